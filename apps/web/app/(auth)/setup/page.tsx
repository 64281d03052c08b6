import { getServiceContext, needsSetup } from '@databridge/queue';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { CredentialsForm } from '../credentials-form.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Set up DataBridge' };

/** Shown once: while no admin exists. Afterwards it sends everyone to the sign-in page. */
export default async function SetupPage() {
  if (!(await needsSetup(await getServiceContext()))) redirect('/login');
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Create the first admin</h1>
      <p className="mb-4 text-sm text-slate-600">
        This page disappears once an admin exists. (Or set DATABRIDGE_ADMIN_EMAIL and
        DATABRIDGE_ADMIN_PASSWORD.)
      </p>
      <CredentialsForm
        action="/api/auth/setup"
        submit="Create admin and sign in"
        fields={[
          { name: 'name', label: 'Name', type: 'text', autoComplete: 'name' },
          { name: 'email', label: 'Email', type: 'email', autoComplete: 'username' },
          {
            name: 'password',
            label: 'Password',
            type: 'password',
            autoComplete: 'new-password',
            hint: 'At least 12 characters.',
          },
        ]}
      />
    </>
  );
}
