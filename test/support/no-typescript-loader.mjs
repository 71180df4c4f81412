// Preloaded (`node --import`) into a `bulletin` child to prove it runs as production does:
// from the build alone, without tsx and without a single TypeScript file, on every thread.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (/^tsx(\\/|$)/.test(specifier)) throw new Error('production must not load tsx: ' + specifier);
      const resolved = await next(specifier, context);
      if (/\\.tsx?$/.test(resolved.url)) throw new Error('production must not load TypeScript: ' + resolved.url);
      return resolved;
    }`)}`,
);
