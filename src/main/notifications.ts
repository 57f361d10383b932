/**
 * OS notifications on desktop for tasks that need the user ("needs input", "finished",
 * feedback not taken). Clicking one brings the window to the front and opens the task.
 */
import { BrowserWindow, Notification } from 'electron';
import type { EngineEvent } from '../shared/contract';
import type { Engine } from '../engine/engine';
import { noticeFor } from './attention-notice';
import { IPC } from '../shared/bridge';

export function wireNotifications(engine: Engine): () => void {
  // Electron drops a notification's click handler once the object is collected: keep them.
  const shown = new Set<Notification>();
  const onEvent = (event: EngineEvent): void => {
    if (event.type !== 'attention' || !Notification.isSupported()) return;
    const windowFocused = BrowserWindow.getAllWindows().some((w) => w.isFocused());
    const notice = noticeFor(event, { enabled: engine.settings().notifications, windowFocused });
    if (!notice) return;
    const n = new Notification({ title: notice.title, body: notice.body });
    shown.add(n);
    n.on('click', () => {
      const win = BrowserWindow.getAllWindows()[0];
      if (win) {
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
        // …and shows the task the notification was about.
        win.webContents.send(IPC.openTask, event.taskId);
      }
      shown.delete(n);
    });
    n.on('close', () => shown.delete(n));
    n.show();
  };
  engine.on('event', onEvent);
  return () => {
    engine.off('event', onEvent);
    shown.clear();
  };
}
