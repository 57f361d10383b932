/**
 * The user's trust decisions per repository, and what they mean at each launch (trust.ts).
 * A decision is asked for once, when a repository is opened; Settings shows it and undoes it.
 */
import path from 'node:path';
import { SwitchyardError } from '../../../shared/errors';
import type { TrustAgentView, TrustView } from '../../../shared/contract';
import { builtinProfile } from '../../../shared/agent-catalog';
import type { EngineContext } from '../../context';
import { git } from '../../git/exec';
import { TRUST_ASKING_AGENTS, applyTrust, asksAboutTrust, trustDescription, undoTrust, type TrustAskingAgent, type TrustLaunch } from './trust';

export class TrustService {
  constructor(private readonly ctx: Pick<EngineContext, 'store' | 'options'>) {}

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, ...this.ctx.options.agentEnv };
  }

  /** The repository's main checkout: what the agents key trust on, for every worktree of it. */
  async mainCheckout(projectId: string): Promise<string> {
    const project = this.ctx.store.project(projectId);
    const r = await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: project.path, okCodes: [128] });
    const common = r.stdout.trim();
    return r.code === 0 && path.basename(common) === '.git' ? path.dirname(common) : project.path;
  }

  async view(projectId: string): Promise<TrustView> {
    const checkout = await this.mainCheckout(projectId);
    const decided = new Map(this.ctx.store.trustDecisions(projectId).map((d) => [d.agent, d]));
    const agents: TrustAgentView[] = TRUST_ASKING_AGENTS.map((agent) => {
      const d = decided.get(agent);
      return { agent, name: builtinProfile(agent)?.name ?? agent, decision: d ? (d.trusted ? 'trusted' : 'declined') : null, decidedAt: d?.decidedAt ?? null, description: trustDescription(agent, checkout, this.env()) };
    });
    return { projectId, checkout, agents };
  }

  /** Records decisions; trusting Claude writes its entry now, undoing removes it. */
  async set(projectId: string, decisions: Partial<Record<TrustAskingAgent, boolean>>): Promise<TrustView> {
    const checkout = await this.mainCheckout(projectId);
    const before = new Map(this.ctx.store.trustDecisions(projectId).map((d) => [d.agent, d.trusted]));
    for (const [agent, trusted] of Object.entries(decisions)) {
      if (!asksAboutTrust(agent) || trusted === undefined) continue;
      try {
        if (trusted) applyTrust(agent, checkout, this.env());
        else if (before.get(agent) === true) undoTrust(agent, checkout, this.env());
      } catch (err) {
        throw new SwitchyardError('invalid-input', `could not ${trusted ? 'record' : 'undo'} trust for ${agent}: ${(err as Error).message}`);
      }
      this.ctx.store.setTrustDecision(projectId, agent, trusted);
    }
    return this.view(projectId);
  }

  /** What a launch of `profileId` in this repository gets from the user's trust, if anything. */
  async forLaunch(projectId: string, profileId: string, env: NodeJS.ProcessEnv): Promise<TrustLaunch | null> {
    if (!asksAboutTrust(profileId)) return null;
    const d = this.ctx.store.trustDecisions(projectId).find((x) => x.agent === profileId);
    if (!d?.trusted) return null;
    return applyTrust(profileId, await this.mainCheckout(projectId), env);
  }
}
