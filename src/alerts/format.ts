/** Webhook bodies: a generic JSON document, or Slack's incoming-webhook shape ({text, blocks}). */
import type { Alert } from './types.js';

export type AlertFormat = 'json' | 'slack';

export function alertBody(a: Alert, format: AlertFormat, instance: string): Record<string, unknown> {
  if (format === 'slack') return slackBody(a, instance);
  return {
    id: a.id,
    key: a.key,
    kind: a.kind,
    severity: a.severity,
    title: a.title,
    text: a.text,
    ts: new Date(a.ts).toISOString(),
    instance,
    fields: a.fields,
  };
}

const ICON: Readonly<Record<Alert['severity'], string>> = {
  info: ':information_source:',
  warning: ':warning:',
  critical: ':rotating_light:',
};

/** Slack: `text` is the notification fallback; blocks give a header, the text and the facts. */
function slackBody(a: Alert, instance: string): Record<string, unknown> {
  const facts = Object.entries(a.fields)
    .slice(0, 10)
    .map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${escape(String(v))}` }));
  return {
    text: `${ICON[a.severity]} [${a.severity}] ${a.title}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: a.title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: escape(a.text) } },
      ...(facts.length ? [{ type: 'section', fields: facts }] : []),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: [`liqguard ${escape(instance)}`, a.kind, a.severity, new Date(a.ts).toISOString(), a.id].join(' · '),
          },
        ],
      },
    ],
  };
}

/** Slack mrkdwn control characters. */
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
