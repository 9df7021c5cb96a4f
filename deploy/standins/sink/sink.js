// Answers every HTTP request with 200 and an empty body (a valid, empty OTLP export response) on the ports
// in SINK_PORTS, and prints once a minute how many requests each path got. Arguments are ignored: compose
// passes the real image's (--config=...).
const http = require('node:http');
const counts = new Map();
for (const port of (process.env.SINK_PORTS || '4318,16686').split(',').map(Number)) {
  http
    .createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = `${req.method} ${req.url}`;
        counts.set(key, (counts.get(key) || 0) + 1);
        res.writeHead(200, { 'content-type': req.headers['content-type'] || 'application/json' }).end();
      });
    })
    .listen(port, '0.0.0.0');
}
setInterval(() => {
  if (counts.size > 0) console.log(`sink: ${JSON.stringify(Object.fromEntries(counts))}`);
}, 60_000).unref();
process.on('SIGTERM', () => process.exit(0));
console.log(`sink: listening on ${process.env.SINK_PORTS || '4318,16686'}`);
