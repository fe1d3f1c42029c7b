// Preloaded into each measured child (`node --import bench/probe.mjs ...`): on exit, writes the
// process's own CPU time and peak RSS to $BENCH_PROBE_OUT. Plain JS so it loads without a build.
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_PROBE_OUT;
delete process.env.BENCH_PROBE_OUT;
if (out) {
  process.on('exit', () => {
    const ru = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({
        userUs: ru.userCPUTime,
        systemUs: ru.systemCPUTime,
        maxRssKb: ru.maxRSS,
        uptimeMs: process.uptime() * 1000,
      }),
    );
  });
}
