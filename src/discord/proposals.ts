// Confirm / Dismiss on a posted status proposal: editors only; decided once; the message says who and when.
// A proposal posted to several channels is one decision: every copy is edited to show it, so nobody is
// left with live buttons on a decided proposal (a copy missed by a crash is closed when next pressed).
import { Routes, type APIEmbed, type ButtonInteraction } from 'discord.js';
import { Status } from '../domain.ts';
import { movesForward } from '../match/proposals.ts';
import { DomainError } from '../store/errors.ts';
import type { CommandContext } from './command.ts';
import { ID_SEP } from './command.ts';
import { fitEmbed } from './embed-limits.ts';
import { PROPOSAL_PREFIX } from './poster.ts';
import { isEditor, NO_MENTIONS, NOT_EDITOR, replyPrivately } from './respond.ts';

export async function proposalButton(interaction: ButtonInteraction, ctx: CommandContext): Promise<void> {
  const [, action, idText] = interaction.customId.split(ID_SEP);
  const eventId = Number(idText);
  if ((action !== 'confirm' && action !== 'dismiss') || !Number.isInteger(eventId)) return replyPrivately(interaction, 'This button is not understood.');
  if (!(await isEditor(interaction, ctx))) return replyPrivately(interaction, NOT_EDITOR);
  const { outbox, proposalDecisions } = ctx.app;
  const earlier = await proposalDecisions.get(eventId);
  if (earlier) {
    await replyPrivately(
      interaction,
      `This proposal was already ${earlier.decision} by <@${earlier.decidedBy.replace(/^discord:/, '')}> at ${earlier.decidedAt.slice(0, 16).replace('T', ' ')} UTC.`,
    );
    const field = decisionField(
      earlier.decision === 'confirmed' ? 'confirm' : 'dismiss',
      earlier.outcome ?? earlier.decision,
      earlier.decidedBy.replace(/^discord:/, ''),
      earlier.decidedAt,
    );
    return closeCopies(interaction, ctx, eventId, withDecision(interaction, field), false);
  }
  const event = await outbox.get(eventId);
  if (!event || event.type !== 'status-proposal' || !event.commitmentId) return replyPrivately(interaction, 'This proposal is not known any more.');
  const at = ctx.app.clock.now().toISOString();
  const by = `discord:${interaction.user.id}`;
  const decision = action === 'confirm' ? 'confirmed' : 'dismissed';
  if (!(await proposalDecisions.claim({ eventId, decision, decidedBy: by, decidedAt: at })))
    return replyPrivately(interaction, 'This proposal was already decided.');

  let outcome: string = decision;
  if (action === 'confirm') {
    const p = event.payload;
    const to = Status.safeParse(p.to);
    const link = p.item && /^https?:\/\//.test(p.item.link) ? [p.item.link] : [];
    try {
      if (!to.success) throw new DomainError('invalid', 'the proposal names no valid status');
      // The commitment may have moved on since the proposal was posted: a proposal never moves it back.
      const current = await ctx.app.store.getCommitment(event.commitmentId);
      if (current && current.status !== to.data && !movesForward(current.status, to.data))
        throw new DomainError('no-change', `${event.commitmentId} is now ${current.status}; ${to.data} would move it back`);
      await ctx.app.store.changeStatus({ commitmentId: event.commitmentId, to: to.data, reason: p.reason, evidence: link, actor: by }, at);
      outcome = `confirmed: now ${to.data}`;
    } catch (error) {
      if (!(error instanceof DomainError)) {
        await proposalDecisions.forget(eventId);
        throw error;
      }
      outcome = `confirmed, but nothing changed: ${error.message}`;
    }
    await proposalDecisions.setOutcome(eventId, outcome);
  }
  const embeds = withDecision(interaction, decisionField(action, outcome, interaction.user.id, at));
  await interaction.update({ embeds, components: [], allowedMentions: NO_MENTIONS });
  await closeCopies(interaction, ctx, eventId, embeds, true);
}

function decisionField(action: 'confirm' | 'dismiss', outcome: string, userId: string, at: string) {
  return { name: 'Decision', value: `${action === 'confirm' ? '✅' : '✖️'} ${outcome} — by <@${userId}> at ${at.slice(0, 16).replace('T', ' ')} UTC` };
}

/** The pressed message's embeds with the decision added (every copy of a proposal has the same embeds). */
function withDecision(interaction: ButtonInteraction, decided: { name: string; value: string }): APIEmbed[] {
  const embeds: APIEmbed[] = interaction.message.embeds.map((e) => e.toJSON());
  if (embeds[0]) embeds[0] = fitEmbed({ ...embeds[0], fields: [...(embeds[0].fields ?? []).filter((f) => f.name !== 'Decision'), decided] });
  else embeds.push({ fields: [decided] });
  return embeds;
}

/**
 * Edits the proposal's posted copies to show the decision and drop the buttons: the others when the
 * pressed one was just updated, or every copy (the pressed one too) after a press on a stale copy. A copy
 * that cannot be edited (deleted, channel gone) is logged and left; the decision stands.
 */
async function closeCopies(interaction: ButtonInteraction, ctx: CommandContext, eventId: number, embeds: APIEmbed[], skipPressed: boolean): Promise<void> {
  const copies = await ctx.app.deliveries.sentCopies(eventId);
  const targets = copies.filter((c) => !(skipPressed && c.messageId === interaction.message.id));
  if (!skipPressed && !targets.some((c) => c.messageId === interaction.message.id))
    targets.push({ channelId: interaction.channelId, messageId: interaction.message.id });
  for (const copy of targets) {
    try {
      // Paced like the posts: a proposal to thousands of channels is thousands of edits, under the global limit.
      await (ctx.channelRest ?? interaction.client.rest).patch(Routes.channelMessage(copy.channelId, copy.messageId), {
        body: { embeds, components: [], allowed_mentions: NO_MENTIONS },
      });
    } catch (error) {
      ctx.logger.warn({ err: error, channelId: copy.channelId, messageId: copy.messageId, eventId }, 'could not show the decision on a copy of the proposal');
    }
  }
}

export const proposalButtons = { [PROPOSAL_PREFIX]: proposalButton };
