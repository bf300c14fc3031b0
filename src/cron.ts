// The part of node-cron the schedulers use, behind an interface so tests drive ticks themselves.
import nodeCron from 'node-cron';

export interface CronLike {
  schedule(expression: string, task: () => unknown, options: { timezone: string; name?: string }): { stop(): unknown };
}

export const nodeCronScheduler: CronLike = {
  schedule: (expression, task, options) => nodeCron.schedule(expression, task, options),
};
