// Stands in for `npm start` in the runner fixtures: answers 200, or (FAIL_TO_START=1)
// dies before listening, as a server with a broken build or a taken port does.
import { createServer } from 'node:http';

if (process.env.FAIL_TO_START) {
  console.error('fixture web server: cannot start (FAIL_TO_START)');
  process.exit(1);
}
createServer((_request, response) => response.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
