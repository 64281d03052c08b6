import { getServiceContext, needsSetup } from '@databridge/queue';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { CredentialsForm } from '../credentials-form.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage() {
  if (await needsSetup(await getServiceContext())) redirect('/setup');
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      <CredentialsForm
        action="/api/auth/login"
        submit="Sign in"
        fields={[
          { name: 'email', label: 'Email', type: 'email', autoComplete: 'username' },
          { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
        ]}
      />
    </>
  );
}
