import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/** Of a failed statement's SQL and error message, this many characters are logged. */
const SHOWN = 300;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, SHOWN);
}

/**
 * TypeORM's log without the statements' parameters: a failed statement is logged (warn) by its SQLSTATE, its error
 * and the start of its SQL, never its parameters, which hold message bodies, phone numbers and names. (TypeORM's own
 * logger printed them whole to stdout: a refused 100 KB webhook body, once per refusal.) Every statement is asked
 * for through `logQuery`; nothing is logged for it.
 */
export class ParameterFreeQueryLogger implements Logger {
  private readonly logger = new NestLogger('TypeORM');

  logQuery(): void {
    // Statements that succeed are not logged.
  }

  logQueryError(error: string | Error, query: string): void {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    const message = typeof error === 'string' ? error : error.message;
    this.logger.warn(`statement failed${typeof code === 'string' ? ` (${code})` : ''}: ${oneLine(message)} — ${oneLine(query)}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow statement (${time} ms): ${oneLine(query)}`);
  }

  logSchemaBuild(): void {
    // The schema is built by migrations only.
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
