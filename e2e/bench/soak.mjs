// Benchmark, not a test: the soak (e2e/lib/soak.mjs) for a number of seconds, printing the
// JS heap and what is left after each few rounds, and the verdict at the end.
//
// usage: node e2e/bench/soak.mjs [seconds]   (cargo xtask bench --soak runs 600)
import { soak, leftovers } from "../lib/soak.mjs";

const seconds = Number(process.argv[2] ?? 600);
const started = Date.now();
const result = await soak({ seconds, log: (line) => console.log(line) });
const problems = leftovers(result);
const drift = ((result.last.heap / result.first.heap - 1) * 100).toFixed(1);
console.log(`soak: ${result.rounds} rounds of 20 live cards added and removed in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
  `JS heap ${(result.first.heap / 1e6).toFixed(2)} → ${(result.last.heap / 1e6).toFixed(2)} MB (${drift} %); ` +
  `left: ${result.last.timers} card timers, ${result.last.pageTimers - result.first.pageTimers} page timers, ` +
  `${result.last.listeners - result.first.listeners} listeners, ${result.last.sockets} sockets, ${result.last.streams} streams, ${result.last.requests} requests`);
if (problems.length) {
  console.log(`soak: LEFT BEHIND: ${problems.join("; ")}`);
  process.exitCode = 1;
}
