/**
 * SQL: whether the run (alias `run`, its campaign `campaign`) is past its validity — `validity_seconds` from its start,
 * else the default for its category (the parameters `dflt` and `auth`, in seconds). Never for a run not started.
 */
export function runExpiredSql(run: string, campaign: string, dflt: string, auth: string): string {
  return `${run}.started_at IS NOT NULL AND ${run}.started_at + make_interval(secs => COALESCE(${run}.validity_seconds,
            CASE WHEN ${campaign}.template_type = 'AUTHENTICATION' THEN ${auth}::int ELSE ${dflt}::int END)) <= now()`;
}
