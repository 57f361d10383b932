import { SHORTCUTS } from '../shortcuts';
import { Dialog } from './Dialog';

export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.id}>
              <td>
                {s.keys.split(' / ').map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Single keys work when no field or terminal has the keyboard; the palette key works everywhere.</p>
    </Dialog>
  );
}
