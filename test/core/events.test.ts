/** The event bus delivers each event to the listeners of its type only, in subscription order,
 * tells publishers whether a type has listeners (so they can skip building the event), and keeps a
 * failing listener from stopping the delivery. */
import { describe, expect, it } from 'vitest';
import { EventBus, type GatewayEvent } from '../../src/core/events.js';

const kill: GatewayEvent = { type: 'kill', ts: 1, active: true, scope: {}, operator: 'op' };
const ban: GatewayEvent = { type: 'venue_ban', ts: 2, venue: 'sim', until: 3 };

describe('EventBus', () => {
  it('typed listeners see only their types; untyped ones see everything, in subscription order', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`all:${e.type}`));
    bus.subscribe((e) => seen.push(`ban:${e.venue}`), ['venue_ban']);
    bus.subscribe((e) => seen.push(`both:${e.type}`), ['kill', 'venue_ban']);
    bus.publish(kill);
    bus.publish(ban);
    expect(seen).toEqual(['all:kill', 'both:kill', 'all:venue_ban', 'ban:sim', 'both:venue_ban']);
  });

  it('wants() follows subscriptions and unsubscriptions of each type', () => {
    const bus = new EventBus();
    expect(bus.wants('decision')).toBe(false);
    const off = bus.subscribe(() => undefined, ['decision']);
    expect(bus.wants('decision')).toBe(true);
    expect(bus.wants('regime')).toBe(false);
    const offAll = bus.subscribe(() => undefined);
    expect(bus.wants('regime')).toBe(true);
    off();
    off(); // a second call changes nothing
    expect(bus.wants('decision')).toBe(true);
    offAll();
    expect(bus.wants('decision')).toBe(false);
    expect(bus.size).toBe(0);
  });

  it('the same listener subscribed twice is removed one subscription at a time', () => {
    const bus = new EventBus();
    let n = 0;
    const l = (): void => void n++;
    const off1 = bus.subscribe(l, ['kill']);
    bus.subscribe(l, ['kill']);
    off1();
    bus.publish(kill);
    expect(n).toBe(1);
  });

  it('a throwing listener is counted and the others still receive the event', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    }, ['kill']);
    bus.subscribe((e) => seen.push(e.type), ['kill']);
    bus.publish(kill);
    expect(seen).toEqual(['kill']);
    expect(bus.failures).toBe(1);
  });
});
