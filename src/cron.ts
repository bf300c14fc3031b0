// The part of node-cron the schedulers use, behind an interface so tests drive ticks themselves.
import nodeCron from 'node-cron';

export interface CronLike {
  schedule(expression: string, task: () => unknown, options: { timezone: string; name?: string }): { stop(): unknown };
}

export const nodeCronScheduler: CronLike = {
  schedule: (expression, task, options) => nodeCron.schedule(expression, task, options),
};

/** A firing's slot for a cron that runs every minute: the minute it was scheduled for (ISO, seconds dropped). */
export function minuteSlot(at: Date): string {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
}
