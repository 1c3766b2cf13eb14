import { count, percent } from '../format';

export interface FunnelStep {
  readonly key: string;
  readonly label: string;
  readonly value: number;
}

/**
 * The delivery funnel as horizontal CSS bars, each as wide as its share of the first step, with the number and the
 * share written out (the bars are decoration; the table semantics carry the figures).
 */
export function Funnel(props: { steps: readonly FunnelStep[]; caption: string }) {
  const base = Math.max(1, props.steps[0]?.value ?? 0);
  return (
    <table class="funnel">
      <caption>{props.caption}</caption>
      <thead class="visually-hidden">
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Recipients</th>
          <th scope="col">Share</th>
        </tr>
      </thead>
      <tbody>
        {props.steps.map((s) => (
          <tr key={s.key} data-step={s.key}>
            <th scope="row">{s.label}</th>
            <td>
              <div class="funnel-row">
                <span class="funnel-track" aria-hidden="true">
                  <span class={`funnel-bar funnel-${s.key}`} style={{ width: `${Math.max(0.5, (s.value / base) * 100)}%` }} />
                </span>
                <span class="funnel-value" data-testid={`funnel-${s.key}`}>
                  {count(s.value)}
                </span>
              </div>
            </td>
            <td class="funnel-share">{percent(s.value / base)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
