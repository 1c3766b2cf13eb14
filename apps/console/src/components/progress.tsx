import { percent } from '../format';

/** A progress bar that screen readers announce (role progressbar with its value). */
export function ProgressBar(props: { value: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, props.value)) * 100);
  return (
    <div class="progress-wrap">
      <div class="progress" role="progressbar" aria-label={props.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={percent(props.value)}>
        <div class="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span class="progress-value" data-testid="progress-value">
        {percent(props.value)}
      </span>
    </div>
  );
}
