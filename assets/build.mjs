// Builds the static files pages load, from the npm packages pinned in package-lock.json:
//   static/dist/site.css        Bootstrap's CSS trimmed to the classes the templates and Python use
//   static/dist/echarts.min.js  ECharts with only the chart types and components the dashboards use
//   static/vendor/...           Bootstrap's JS and htmx, copied as published
//   assets/bootstrap-classes.txt  every class Bootstrap defines (tests check none used is missing)
// The icon font subset is made by icons.py (fontTools). Run both with `make assets`.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import postcss from "postcss";
import { PurgeCSS } from "purgecss";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const python = process.env.PYTHON || join(root, ".venv/bin/python");
const modules = join(here, "node_modules");
const dist = join(root, "static/dist");
mkdirSync(dist, { recursive: true });

// Packages whose templates or Python add Bootstrap classes to our pages (crispy-forms' layouts).
const packageDirs = execFileSync(python, ["-c",
  "import crispy_forms, crispy_bootstrap5, os; " +
  "print('\\n'.join(os.path.dirname(m.__file__) for m in (crispy_forms, crispy_bootstrap5)))",
]).toString().trim().split("\n");

const bootstrapCss = readFileSync(join(modules, "bootstrap/dist/css/bootstrap.min.css"), "utf8");
const [purged] = await new PurgeCSS().purge({
  content: [
    `${root}/templates/**/*.html`,
    `${root}/*/templates/**/*.html`,
    `${root}/{congress,deputies,liaison_stations,suggestions,sessions_app,dashboards}/**/*.py`,
    `${root}/static/js/**/*.js`,
    ...packageDirs.flatMap((dir) => [`${dir}/**/*.html`, `${dir}/**/*.py`]),
  ],
  css: [{ raw: bootstrapCss }],
  keyframes: true,
  safelist: {
    // Classes Bootstrap's JS and htmx toggle, and message levels (alert-{{ message.tags }}).
    standard: ["show", "showing", "hiding", "fade", "collapsing", "collapse", "active", "disabled"],
    greedy: [/^htmx-/, /^alert-(success|info|warning|danger|debug)$/],
  },
});
const banner = bootstrapCss.match(/^@charset "UTF-8";\/\*![\s\S]*?\*\//)?.[0] ?? "";
const siteCss = `${banner}\n/* Trimmed by assets/build.mjs (PurgeCSS) to the classes this project uses. */\n`
  + purged.css.replace(/^@charset "UTF-8";\/\*![\s\S]*?\*\//, "").replace(/\/\*# sourceMappingURL=.*?\*\//, "");
writeFileSync(join(dist, "site.css"), siteCss);

// Every class Bootstrap defines, for the test that finds a class used but trimmed away.
const classes = new Set();
postcss.parse(bootstrapCss).walkRules((rule) => {
  for (const match of rule.selector.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)) classes.add(match[1]);
});
writeFileSync(join(here, "bootstrap-classes.txt"), [...classes].sort().join("\n") + "\n");

// ECharts: only what dashboards/ draws (see echarts.js), SVG renderer, exposed as window.echarts.
await esbuild.build({
  entryPoints: [join(here, "echarts.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2017"],
  legalComments: "inline",
  outfile: join(dist, "echarts.min.js"),
});

// Bootstrap's JS and htmx as published, less the source-map comment (the maps are not shipped, and
// ManifestStaticFilesStorage refuses a reference to a missing file).
for (const [from, to] of [
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "static/vendor/bootstrap/bootstrap.bundle.min.js"],
  ["htmx.org/dist/htmx.min.js", "static/vendor/htmx/htmx.min.js"],
]) {
  const source = readFileSync(join(modules, from), "utf8");
  writeFileSync(join(root, to), source.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n"));
}
for (const [from, to] of [
  ["bootstrap/LICENSE", "static/dist/LICENSE-bootstrap"],
  ["bootstrap-icons/LICENSE", "static/dist/LICENSE-bootstrap-icons"],
  ["echarts/LICENSE", "static/dist/LICENSE-echarts"],
]) {
  copyFileSync(join(modules, from), join(root, to));
}
for (const name of ["site.css", "echarts.min.js"]) {
  console.log(`static/dist/${name}: ${readFileSync(join(dist, name)).length} bytes`);
}
