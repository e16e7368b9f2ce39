// Nothing left behind: 60 s of the soak (20 live cards added, then all removed, again and
// again). The JS heap ends within ±10 % of where it started, and no timer, listener,
// socket, stream or request outlives the cards. `cargo xtask bench --soak` runs 10 minutes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { soak, leftovers } from "./lib/soak.mjs";

test("60 s of 20 cards added and removed leave nothing behind", { timeout: 180_000 }, async () => {
  const result = await soak({ seconds: 60 });
  assert.ok(result.rounds >= 5, `only ${result.rounds} rounds ran`);
  assert.deepEqual(leftovers(result), [], JSON.stringify(result));
});
