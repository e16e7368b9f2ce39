// The panel flavour the end-to-end suites run against: `PTERO_E2E_FLAVOR`
// (pterodactyl-1.12 unless set; pterodactyl-1.11 and pelican for the smoke subset), and
// the sandbox's seeded keys as that panel issues them (Pelican: pacc_ / papp_).
export const FLAVOR = process.env.PTERO_E2E_FLAVOR ?? "pterodactyl-1.12";

/** A seeded key (written with Pterodactyl's prefixes) as the flavour's panel issued it. */
export function flavorKey(seeded) {
  if (FLAVOR !== "pelican") return seeded;
  return seeded.replace(/^ptlc_/, "pacc_").replace(/^ptla_/, "papp_");
}

/** `--flavor …` for a sandbox, unless `args` chose one. */
export function flavorArgs(args = []) {
  return args.includes("--flavor") ? [] : ["--flavor", FLAVOR];
}
