// Preloaded (node --require) into every Node process the catalogue starts: it ends the process
// when the Python process that started it is gone, whatever stopped it (Ctrl+C, SIGTERM, even
// SIGKILL, which no Python cleanup survives): the process is then handed to another parent.
"use strict";
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 200).unref();
