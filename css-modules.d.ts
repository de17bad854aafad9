// `import styles from "./x.module.css"`: each class of the module, by name. next-env.d.ts (written by
// `next build` and `next dev`, not committed) declares the same; this copy lets `tsc` check a fresh
// checkout. A class read here that the module lacks is undefined, not a type error:
// tests/unit/css-modules.test.ts catches those.
declare module "*.module.css" {
  const classes: { readonly [key: string]: string };
  export default classes;
}
