/**
 * Browser notifications for "needs input" and "finished", in browser mode. The desktop app
 * shows OS notifications from its main process instead.
 */
export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

/** Must run from a user gesture (a click), or browsers refuse to ask. */
export async function askNotificationPermission(): Promise<NotificationPermission> {
  if (!notificationsSupported()) return 'denied';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}

export function notify(title: string, body: string, onClick: () => void): void {
  if (!notificationsSupported() || Notification.permission !== 'granted') return;
  const n = new Notification(title, { body, tag: title });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}
