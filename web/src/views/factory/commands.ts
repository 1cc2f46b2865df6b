/**
 * The machine panel's command buttons: the DTDL commands of the twin's model, run by the platform
 * as direct methods on the device linked to the twin. Emergency stop asks first; a command with a numeric
 * request gets a number field. The device's own answer (status, error) is shown, not assumed.
 */
import type { AppContext } from '../../app/context.js';
import { confirmDialog, fill, h } from '../../app/dom.js';
import { ApiError, OfflineError } from '../../api/client.js';
import { ROUTES } from '../../api/routes.js';
import { commandPayload, commandsOf, methodOutcome, type CommandInfo } from '../../lib/commands.js';
import type { MessageKey } from '../../i18n/i18n.js';

const KNOWN = new Set(['emergencyStop', 'setSpeed', 'resetCounters', 'reset']);
const NUMERIC = /^(double|float|integer|long)$/;

export function commandLabel(ctx: AppContext, cmd: CommandInfo): string {
  return KNOWN.has(cmd.name) ? ctx.i18n.t(`command.${cmd.name}` as MessageKey) : (cmd.displayName ?? cmd.name);
}

export function drawCommands(ctx: AppContext, twinId: string, box: HTMLElement): void {
  const t = ctx.i18n.t.bind(ctx.i18n);
  const model = ctx.twins.twins.get(twinId)?.$metadata?.$model ?? '';
  const cmds = commandsOf(model, ctx.twins.models);
  if (!cmds.length) return fill(box, h('h3', {}, t('panel.commands')), h('p', { class: 'note' }, t('command.none')));

  const invoke = async (cmd: CommandInfo, value?: number) => {
    const name = commandLabel(ctx, cmd);
    try {
      const answer = await ctx.api.send('POST', ROUTES.command(twinId, cmd.name), commandPayload(cmd, value));
      const out = methodOutcome(answer);
      if (out.ok) ctx.notify(t('command.sent', { name, id: twinId }));
      else ctx.notify(t('command.refused', { name, reason: out.message ?? `${out.status}` }), 'error');
    } catch (err) {
      ctx.notify(t('command.failed', { reason: err instanceof OfflineError ? t('common.offline') : err instanceof ApiError ? err.message : String(err) }), 'error');
    }
  };

  const controls = cmds.map((cmd) => {
    const label = commandLabel(ctx, cmd);
    if (cmd.name === 'emergencyStop') {
      return h(
        'button',
        {
          class: 'danger',
          'data-testid': 'estop',
          onclick: async () => {
            if (await confirmDialog(t('command.estopConfirmTitle'), t('command.estopConfirmBody', { id: twinId }), label, t('common.cancel'))) await invoke(cmd);
          },
        },
        label,
      );
    }
    if (cmd.request && NUMERIC.test(cmd.request.schema)) {
      const input = h('input', { type: 'number', step: 'any', min: 0, required: true, 'aria-label': t('command.value', { name: label }), class: 'speed' });
      return h(
        'form',
        {
          class: 'inline',
          'data-command': cmd.name,
          onsubmit: (e: Event) => {
            e.preventDefault();
            const v = Number((input as HTMLInputElement).value);
            if (Number.isFinite(v)) void invoke(cmd, v);
          },
        },
        input,
        h('button', { type: 'submit', class: 'secondary' }, label),
      );
    }
    return h('button', { class: 'secondary', 'data-command': cmd.name, onclick: () => void invoke(cmd) }, label);
  });
  fill(box, h('h3', {}, t('panel.commands')), ...controls);
}
