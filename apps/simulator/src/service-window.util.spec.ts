import { describe, expect, it } from '@jest/globals';
import { ServiceWindows } from './service-window.util';

const DAY = 24 * 60 * 60 * 1000;

describe(ServiceWindows.name, () => {
  it('opens a 24-hour window per (business number, user) on an inbound message', () => {
    const windows = new ServiceWindows();
    expect(windows.isOpen('phone-1', '15551234567', 0)).toBe(false);
    windows.open('phone-1', '15551234567', 1000);
    expect(windows.isOpen('phone-1', '15551234567', 1000)).toBe(true);
    expect(windows.isOpen('phone-1', '15551234567', 1000 + DAY - 1)).toBe(true);
    expect(windows.isOpen('phone-1', '15551234567', 1000 + DAY)).toBe(false);
    expect(windows.isOpen('phone-2', '15551234567', 1000)).toBe(false);
    expect(windows.isOpen('phone-1', '15550000000', 1000)).toBe(false);
  });

  it('refreshes the window on every inbound message', () => {
    const windows = new ServiceWindows();
    windows.open('p', 'u', 0);
    windows.open('p', 'u', DAY - 10);
    expect(windows.isOpen('p', 'u', DAY + 10)).toBe(true);
    expect(windows.isOpen('p', 'u', 2 * DAY - 10)).toBe(false);
  });

  it('drops closed windows as time passes and keeps at most maxWindows', () => {
    const windows = new ServiceWindows(DAY, 3);
    for (let i = 0; i < 5; i++) windows.open('p', `u${i}`, i);
    expect(windows.count(10)).toBe(3);
    expect(windows.isOpen('p', 'u0', 10)).toBe(false);
    expect(windows.isOpen('p', 'u4', 10)).toBe(true);
    expect(windows.count(DAY + 5)).toBe(0);
  });

  it('forgets every window on clear', () => {
    const windows = new ServiceWindows();
    windows.open('p', 'u', 0);
    windows.clear();
    expect(windows.isOpen('p', 'u', 1)).toBe(false);
  });
});
