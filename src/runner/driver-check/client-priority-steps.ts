/**
 * Client steps for `priority`: the reference worker is held at a gate while a plain reference
 * client queues a NORMAL job next to the driver's HIGH or LOW one; once released, the order in
 * which the worker gets them shows whether the driver used the library's priority call.
 */
import type { GearmanClient } from '../../client/index.js';
import type { CheckContext } from './context.js';
import { BLOCK_GATE, FN } from './client-setup.js';
import { checkRelayed, finishJob, submitJob } from './client-jobs.js';
import { fail } from './step-failure.js';
import type { CheckStep } from './types.js';

/** Hold the reference worker at a gate with a background job from a plain client. */
async function blockWorker(ctx: CheckContext, helper: GearmanClient): Promise<void> {
  await helper.submit({ function: FN.block, data: 'block', background: true });
  await ctx.partner.expect('gated', (e) => e.gate === BLOCK_GATE, 'the reference worker to hold the blocking job', "gearspec's own worker did not start the blocking job: report it");
}

async function workerOrder(ctx: CheckContext, count: number): Promise<string[]> {
  const order: string[] = [];
  for (let i = 0; i < count; i++) {
    const j = await ctx.partner.expect(
      'job',
      (e) => e.function === FN.priority,
      `the reference worker to run ${count} ${FN.priority} jobs`,
      'the submitted job never reached the worker: check the function name and priority mapping',
    );
    order.push(Buffer.from(j.payload, 'base64').toString('latin1'));
  }
  return order;
}

export const highStep: CheckStep<CheckContext> = {
  name: 'submit: priority high',
  functions: [FN.block],
  async run(ctx) {
    const helper = await ctx.lab.client();
    await blockWorker(ctx, helper);
    await helper.submit({ function: FN.priority, data: 'normal', background: true, priority: 'normal' });
    const { id } = await submitJob(ctx, { function: FN.priority, payload: Buffer.from('high'), priority: 'high' });
    ctx.partner.send({ op: 'release', gate: BLOCK_GATE });
    const order = await workerOrder(ctx, 2);
    const end = await finishJob(ctx, id, 'complete');
    if (end.event === 'complete') checkRelayed('complete', end.payload, Buffer.from('high'));
    if (order[0] !== 'high')
      fail(
        'the HIGH job to run before a NORMAL job queued earlier',
        `the worker ran ${order.join(', then ')}`,
        'when priority is "high", submit with the library\'s high-priority call (SUBMIT_JOB_HIGH)',
      );
    return { message: 'the HIGH job overtook a NORMAL job queued before it' };
  },
};

export const lowStep: CheckStep<CheckContext> = {
  name: 'submit: priority low',
  functions: [FN.block],
  async run(ctx) {
    const helper = await ctx.lab.client();
    await blockWorker(ctx, helper);
    const { id } = await submitJob(ctx, { function: FN.priority, payload: Buffer.from('low'), priority: 'low' });
    await helper.submit({ function: FN.priority, data: 'normal', background: true, priority: 'normal' });
    ctx.partner.send({ op: 'release', gate: BLOCK_GATE });
    const order = await workerOrder(ctx, 2);
    const end = await finishJob(ctx, id, 'complete');
    if (end.event === 'complete') checkRelayed('complete', end.payload, Buffer.from('low'));
    if (order[0] !== 'normal')
      fail('a NORMAL job queued later to run before the LOW job', `the worker ran ${order.join(', then ')}`, 'when priority is "low", submit with the library\'s low-priority call (SUBMIT_JOB_LOW)');
    return { message: 'a NORMAL job queued after the LOW job overtook it' };
  },
};
