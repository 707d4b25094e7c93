// Settings & system, in tabs that are routes (#/settings/users).
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.ts';
import { SETTINGS_TABS } from '../../app/routes.ts';
import type { SettingsTab } from '../../app/routes.ts';
import { RecognitionPanel } from './RecognitionPanel.tsx';
import { SystemPanel } from './SystemPanel.tsx';
import { TokensPanel } from './TokensPanel.tsx';
import { UsersPanel } from './UsersPanel.tsx';

export function SettingsScreen({ id }: { id?: string }) {
  const { t } = useTranslation();
  const tab: SettingsTab = (SETTINGS_TABS as readonly string[]).includes(id ?? '') ? (id as SettingsTab) : 'system';
  return (
    <div className="page">
      <div className="toolbar">
        <h1 className="toolbar-title">{t('nav.settings')}</h1>
        <div className="tabs" role="tablist" aria-label={t('nav.settings')}>
          {SETTINGS_TABS.map((x) => (
            <button key={x} type="button" role="tab" aria-selected={tab === x} className="tab" onClick={() => navigate({ screen: 'settings', id: x })}>
              {t(`settings.tab.${x}`)}
            </button>
          ))}
        </div>
      </div>
      <div role="tabpanel">
        {tab === 'system' && <SystemPanel />}
        {tab === 'recognition' && <RecognitionPanel />}
        {tab === 'users' && <UsersPanel />}
        {tab === 'tokens' && <TokensPanel />}
      </div>
    </div>
  );
}
