/**
 * Preload (`node --import @shipshape/config/load-env-file`): reads `.env` from the working directory when
 * there is one; variables already in the environment win, as with `--env-file`.
 *
 * Why not `node --env-file-if-exists=.env`: combined with `--watch` and no `.env`, Node 24's watch mode
 * keeps a half-closed watcher on the missing file and aborts on Ctrl-C or SIGTERM (exit 134, `Assertion
 * failed: (wrap) != nullptr`; nodejs/node#64819). A preload runs in the watched child only, so the watcher
 * never sees the file.
 */
try {
  process.loadEnvFile('.env')
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
