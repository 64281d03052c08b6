/** A ring filled by the share of completed wizard steps, with the count in the middle. */
export function ProgressCircle({ done, total }: { done: number; total: number }) {
  const radius = 15;
  const circumference = 2 * Math.PI * radius;
  const share = total === 0 ? 0 : done / total;
  return (
    <svg
      width="40"
      height="40"
      viewBox="0 0 40 40"
      role="img"
      aria-label={`${done} of ${total} steps complete`}
      className="shrink-0"
    >
      <circle cx="20" cy="20" r={radius} fill="none" stroke="#334155" strokeWidth="5" />
      <circle
        cx="20"
        cy="20"
        r={radius}
        fill="none"
        stroke="#32dbbc"
        strokeWidth="5"
        strokeLinecap="round"
        strokeDasharray={`${circumference * share} ${circumference}`}
        transform="rotate(-90 20 20)"
      />
      <text x="20" y="24" textAnchor="middle" fontSize="11" fontWeight="700" fill="#ffffff">
        {done}/{total}
      </text>
    </svg>
  );
}
