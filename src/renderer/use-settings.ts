/** The engine's global settings, loaded once and saved through the contract. */
import { useCallback, useEffect, useState } from 'react';
import type { Input, Settings } from '../shared/contract';
import type { Api } from './api/client';

export interface SettingsState {
  settings: Settings | null;
  save(patch: Input<'settings.update'>): Promise<Settings>;
}

export function useSettings(api: Api): SettingsState {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    void api.call('settings.get', {}).then(setSettings, () => {});
  }, [api]);
  const save = useCallback(
    async (patch: Input<'settings.update'>) => {
      const next = await api.call('settings.update', patch);
      setSettings(next);
      return next;
    },
    [api],
  );
  return { settings, save };
}
