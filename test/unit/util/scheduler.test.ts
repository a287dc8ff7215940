// The manual scheduler runs callbacks in due order with the clock at their due time; real timers are
// unref'd so they never keep the process alive.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/util/clock.ts';
import {
  every,
  keepAliveTimerScheduler,
  ManualScheduler,
  timerScheduler,
} from '../../../src/util/scheduler.ts';

describe('ManualScheduler', () => {
  it('runs due callbacks in order of due time, then of scheduling, at their due time', () => {
    const clock = new ManualClock(100);
    const scheduler = new ManualScheduler(clock);
    const ran: string[] = [];
    scheduler.schedule(20, () => ran.push(`b@${clock.now()}`));
    scheduler.schedule(10, () => ran.push(`a@${clock.now()}`));
    scheduler.schedule(20, () => ran.push(`c@${clock.now()}`));
    expect(scheduler.advance(15)).toBe(1);
    expect(ran).toEqual(['a@110']);
    expect(clock.now()).toBe(115);
    scheduler.advance(100);
    expect(ran).toEqual(['a@110', 'b@120', 'c@120']);
    expect(clock.now()).toBe(215);
  });

  it('runs callbacks scheduled by callbacks when they fall due in the same advance', () => {
    const clock = new ManualClock();
    const scheduler = new ManualScheduler(clock);
    const ran: number[] = [];
    const tick = () => {
      ran.push(clock.now());
      if (ran.length < 5) scheduler.schedule(10, tick);
    };
    scheduler.schedule(10, tick);
    scheduler.advance(35);
    expect(ran).toEqual([10, 20, 30]);
    expect(scheduler.nextDue()).toBe(40);
  });

  it('does not run cancelled callbacks; a zero delay runs on runDue', () => {
    const scheduler = new ManualScheduler(new ManualClock());
    const ran: string[] = [];
    const cancel = scheduler.schedule(5, () => ran.push('cancelled'));
    scheduler.schedule(0, () => ran.push('now'));
    cancel();
    cancel();
    expect(scheduler.pending).toBe(1);
    expect(scheduler.runDue()).toBe(1);
    scheduler.advance(10);
    expect(ran).toEqual(['now']);
  });
});

describe('every', () => {
  it('runs a callback every interval until stopped, even when stopped from inside it', () => {
    const clock = new ManualClock();
    const timers = new ManualScheduler(clock);
    const at: number[] = [];
    const stop = every(timers, 250, () => {
      at.push(clock.now());
      if (at.length === 3) stop();
    });
    timers.advance(249);
    expect(at).toEqual([]);
    timers.advance(10_000);
    expect(at).toEqual([250, 500, 750]);
    expect(timers.pending).toBe(0);
  });

  it('stops between ticks', () => {
    const timers = new ManualScheduler(new ManualClock());
    let ticks = 0;
    const stop = every(timers, 100, () => ticks++);
    timers.advance(250);
    stop();
    timers.advance(1000);
    expect(ticks).toBe(2);
    expect(timers.pending).toBe(0);
  });
});

describe('timerScheduler', () => {
  it('fires after the delay, and its timers do not keep the process alive', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const fired = new Promise<string>((resolve) => timerScheduler.schedule(5, () => resolve('fired')));
    const cancelled = timerScheduler.schedule(1, () => expect.unreachable('cancelled timer fired'));
    cancelled();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    // A ref'd guard timer keeps this test's loop alive while the unref'd one fires.
    const guard = setTimeout(() => {}, 1000);
    expect(await fired).toBe('fired');
    clearTimeout(guard);
  });
});

describe('keepAliveTimerScheduler', () => {
  it('keeps the process alive while a timer is pending (a restart back-off), until it fires or is cancelled', async () => {
    const active = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = active();
    const cancel = keepAliveTimerScheduler.schedule(60_000, () =>
      expect.unreachable('cancelled timer fired'),
    );
    expect(active()).toBe(before + 1);
    cancel();
    expect(active()).toBe(before);
    expect(
      await new Promise<string>((resolve) => keepAliveTimerScheduler.schedule(1, () => resolve('fired'))),
    ).toBe('fired');
    expect(active()).toBe(before);
  });
});
