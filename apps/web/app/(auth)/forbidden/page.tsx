import Link from 'next/link';

export default function ForbiddenPage() {
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold">Not allowed</h1>
      <p className="mb-4 text-sm text-slate-700">
        Your role does not allow this page. An admin can change your role.
      </p>
      <Link href="/projects" className="font-semibold text-teal-800 underline">
        Back to the projects
      </Link>
    </>
  );
}
