import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

const main = async (): Promise<void> => {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const server = await startServer(config, {
    // Without its database the server can only answer 500s: exit, so that the service manager (systemd
    // Restart=always, a container's restart policy) starts it again, which restarts the database with it.
    onDatabaseLost: () => {
      console.error('The embedded PostgreSQL is gone: exiting so that Bihuan is restarted');
      process.exit(1);
    },
  });
  console.log(`Bihuan is listening on ${server.url}  (web: ${server.url}/  API docs: ${server.url}/api/v1/openapi.json)`);
  const shutdown = async (signal: string) => {
    console.log(`${signal} received: stopping`);
    try {
      await server.stop();
      process.exit(0);
    } catch (error) {
      console.error('Error while stopping', error);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
};

main().catch((error: unknown) => {
  console.error('Bihuan failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
