// Preloaded (node --require) into every Node process the catalogue starts: it ends the process
// when the Python process that started it is gone, whatever stopped it (Ctrl+C, SIGTERM, even
// SIGKILL, which no Python cleanup survives): the process is then handed to another parent.
// That parent's number comes from the environment: a parent gone before this file ran would
// otherwise be mistaken for the new one.
"use strict";
const parent = Number(process.env.CATALOGO_PARENT_PID) || process.ppid;
const check = () => {
  if (process.ppid !== parent) process.exit(0);
};
check();
setInterval(check, 200).unref();
