// Kills the stack's processes with SIGKILL at random moments (seeded) and leaves their
// restart to the supervisor, as systemd or Kubernetes would restart them in production.
// Targets are taken in shuffled rounds, so every process is killed about equally often; a
// process that is not up (still restarting) is passed over for the next.

import type { Supervisor } from '../../stack/supervisor.ts';
import type { ManagedProcess } from '../../stack/process.ts';
import type { Random } from './random.ts';

export class ChaosMonkey {
  readonly kills: Record<string, number> = {};
  private stopped = false;
  private running?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly targets: ManagedProcess[],
    private readonly supervisor: Supervisor,
    private readonly random: Random,
    private readonly meanIntervalMs: number,
    private readonly say: (line: string) => void,
  ) {
    for (const t of targets) this.kills[t.spec.name] = 0;
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    let round: ManagedProcess[] = [];
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.meanIntervalMs * this.random.between(0.5, 1.5));
      });
      if (this.stopped) return;
      if (!round.length) round = this.random.shuffled(this.targets);
      const up = new Set(this.supervisor.status().services.filter((s) => s.state === 'up').map((s) => s.name));
      const victim = round.find((t) => up.has(t.spec.name) && t.running && t.pid);
      if (!victim) continue;
      round.splice(round.indexOf(victim), 1);
      this.kills[victim.spec.name]! += 1;
      this.say(`kill -9 ${victim.spec.name} (pid ${victim.pid})`);
      // Straight to the process, not through ManagedProcess.kill(): that marks the exit as asked for, and the supervisor would leave it down.
      process.kill(victim.pid!, 'SIGKILL');
    }
  }
}
