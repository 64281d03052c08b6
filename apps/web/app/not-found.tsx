import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="grid min-h-dvh place-items-center p-6">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-cyan-800">404</p>
        <h1 className="mt-1 text-2xl font-bold">There is nothing here</h1>
        <p className="mt-2 text-sm text-slate-600">The project or page may have been deleted.</p>
        <Link
          href="/projects"
          className="mt-4 inline-flex rounded-md border border-cyan-700 bg-brand px-4 py-2 text-sm font-semibold text-ink"
        >
          Back to projects
        </Link>
      </div>
    </main>
  );
}
