// Node-RED embedded in the server process: RED.init on our HTTP server (its editor's WebSocket
// upgrades there), the editor and admin API at /automation, http-in endpoints at /automation/api.
// Node-RED gets an express 4 application of its own, called as a plain function from our express 5
// app: its `http in` node walks `_router.stack`, which express 5 no longer has (bpmn.md §5).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { findApiToken, type SessionPolicy } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import { sendProblem } from '../http/problem.ts';
import type { Platform } from '../platform.ts';
import { EDITOR_TOKEN_HEADER, EditorAuth, type EditorUser } from './editor-auth.ts';
import { AutomationEvents, listenedEntities } from './events.ts';
import { AutomationLeader } from './leader.ts';
import type { TesseraPorts } from './ports.ts';
import { AutomationActors, automationPorts, ensureAutomationUser } from './services.ts';
import { DatabaseFlowStorage, type NodeRedStorage } from './storage.ts';

export const EDITOR_ROOT = '/automation';
export const HTTP_NODE_ROOT = '/automation/api';
/** http-in endpoints under this prefix answer without a token; a flow makes an endpoint public by its path. */
export const PUBLIC_PREFIX = `${HTTP_NODE_ROOT}/public/`;

/** The palette the embedding loads (connectors/node-red): its folder and the function registering its nodes. */
export interface AutomationPalette {
  readonly dir: string;
  register(red: never, ports: TesseraPorts): void;
}

interface Express4App {
  (req: IncomingMessage, res: unknown, next: (error?: unknown) => void): void;
  use(path: string, handler: unknown): void;
  disable(setting: string): void;
}

/** The parts of the node-red module we use. */
interface NodeRedModule {
  init(server: Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly httpAdmin: unknown;
  readonly httpNode: unknown;
  readonly events: { on(event: string, listener: () => void): void; once(event: string, listener: () => void): void; off(event: string, listener: () => void): void };
  /** Messaging hooks: a hook answering false stops the message. */
  readonly hooks: { add(name: string, hook: (event: unknown) => boolean | undefined): void; remove(name: string): void };
  readonly nodes: { loadFlows(): Promise<void> };
}

export interface AutomationOptions {
  readonly palette: AutomationPalette;
  /** Node-RED's userDir (nothing of ours is kept there: flows and credentials are in the database). */
  readonly userDir: string;
  readonly session: SessionPolicy;
  /** Log level of Node-RED's console logger (default warn). */
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Flows stored when the database has none yet (the seed's disabled examples). */
  readonly exampleFlows?: readonly unknown[];
  /** How often a process tries to become the leader and looks for flows deployed elsewhere (default 2000 ms). */
  readonly leaderIntervalMs?: number;
}

export interface Automation {
  /** Mounted by the HTTP app before its own middleware: answers /automation and everything below it. */
  readonly handler: RequestHandler;
  readonly storage: DatabaseFlowStorage;
  readonly events: AutomationEvents;
  /** Initialises Node-RED on the server (before it listens) and starts the flows. */
  start(server: Server): Promise<void>;
  /** Whether this process runs the flows (holds the leader lock). */
  readonly isLeader: boolean;
  /** Resolves when the flows have (re)started after a deploy or the start. */
  flowsStarted(): Promise<void>;
  stop(): Promise<void>;
}

const nodeRedRequire = createRequire(createRequire(import.meta.url).resolve('node-red'));

function storageModule(storage: NodeRedStorage): NodeRedStorage {
  return {
    init: (settings, runtime) => storage.init(settings, runtime),
    getFlows: () => storage.getFlows(),
    saveFlows: (flows, user) => storage.saveFlows(flows, user),
    getCredentials: () => storage.getCredentials(),
    saveCredentials: (credentials) => storage.saveCredentials(credentials),
    getSettings: () => storage.getSettings(),
    saveSettings: (settings) => storage.saveSettings(settings),
    getSessions: () => storage.getSessions(),
    saveSessions: (sessions) => storage.saveSessions(sessions),
    getLibraryEntry: (type, path) => storage.getLibraryEntry(type, path),
    saveLibraryEntry: (type, path, meta, body) => storage.saveLibraryEntry(type, path, meta, body),
  };
}

function under(url: string, root: string): boolean {
  return url === root || url.startsWith(`${root}/`) || url.startsWith(`${root}?`);
}

export function createAutomation(platform: Platform, options: AutomationOptions): Automation {
  const RED = createRequire(import.meta.url)('node-red') as NodeRedModule;
  const storage = new DatabaseFlowStorage(platform.knex, platform.keyring);
  const events = new AutomationEvents(platform.knex, platform.records);
  const auth = new EditorAuth(platform, options.session);
  const intervalMs = options.leaderIntervalMs ?? 2000;
  // Only the leader's flows act (its messages flow, it delivers record events, it answers http-in);
  // the editor works in every process.
  const leader = new AutomationLeader(platform.db.url, (isLeader) => {
    if (isLeader) events.startDelivering();
    else void events.stopDelivering();
  }, intervalMs);
  let reloadTimer: ReturnType<typeof setInterval> | null = null;
  let root: Express4App | null = null;
  let started = false;

  const refuse = (req: Request, res: Response, error: TesseraError) => sendProblem(res, error, req.originalUrl);

  // Node-RED's express 4 app; what it does not answer ends here, never back in our express 5 app.
  const toNodeRed = (req: Request, res: Response) => root!(req, res, (error?: unknown) => {
    if (res.headersSent) return;
    if (error) {
      console.error(`[tessera automation] ${req.method} ${req.originalUrl}:`, error);
      refuse(req, res, new TesseraError('INTERNAL', 'an unexpected error occurred; it has been logged'));
    } else refuse(req, res, new TesseraError('NOT_FOUND', `no automation resource ${req.method} ${req.originalUrl}`));
  });

  const handler: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (!under(req.url, EDITOR_ROOT)) return next();
    // Before the start and after the stop the paths are not ours.
    if (!root) return next();
    void (async () => {
      if (under(req.url, HTTP_NODE_ROOT)) {
        delete req.headers[EDITOR_TOKEN_HEADER];
        // Endpoints of flows need a Tessera API token unless the flow put them under /public/.
        if (!req.url.startsWith(PUBLIC_PREFIX)) {
          const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
          if (!bearer || !(await findApiToken(platform.knex, bearer[1]!))) {
            res.set('WWW-Authenticate', 'Bearer realm="tessera"');
            return refuse(req, res, new TesseraError('UNAUTHENTICATED', `an automation endpoint needs an API token (Authorization: Bearer …) unless its path starts with ${PUBLIC_PREFIX}`));
          }
        }
        if (!leader.isLeader) {
          res.set('Retry-After', String(Math.ceil(intervalMs / 1000)));
          return refuse(req, res, new TesseraError('UNAVAILABLE', 'another Tessera process runs the automation flows: send flow endpoints to it (or retry: it takes over if that process stops)'));
        }
        return toNodeRed(req, res);
      }
      const access = await auth.resolve(req);
      if (access.kind === 'anonymous') {
        // A browser opening the editor goes to the app's sign-in and comes back.
        if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') return res.redirect(302, `/?next=${encodeURIComponent(req.originalUrl)}`);
        res.set('WWW-Authenticate', 'Bearer realm="tessera"');
        return refuse(req, res, new TesseraError('UNAUTHENTICATED', 'sign in to Tessera (or send an API token) to open the automation editor'));
      }
      if (access.kind === 'forbidden') return refuse(req, res, new TesseraError('FORBIDDEN', 'the automation editor needs the administerAutomation right (viewAutomation: read-only)'));
      const done = new Promise((resolve) => res.once('close', resolve));
      auth.admit(req, access.user, done);
      res.set('X-Frame-Options', 'SAMEORIGIN');
      res.set('X-Content-Type-Options', 'nosniff');
      toNodeRed(req, res);
    })().catch((error: unknown) => {
      console.error(`[tessera automation] ${req.method} ${req.originalUrl}:`, error);
      if (!res.headersSent) refuse(req, res, new TesseraError('INTERNAL', 'an unexpected error occurred; it has been logged'));
    });
  };

  // The editor's WebSocket (/automation/comms): the same sign-in, checked before Node-RED's own
  // upgrade listener, which then finds our header and asks adminAuth.tokens for the user.
  const onUpgrade = (req: IncomingMessage, socket: Duplex) => {
    if (!(req.url ?? '').startsWith(`${EDITOR_ROOT}/comms`)) return;
    const ready = auth.resolve(req).then((access) => (access.kind === 'user' ? access.user : null));
    const pending = new Promise<EditorUser | null>((resolve) => void ready.then(resolve, () => resolve(null)));
    delete req.headers[EDITOR_TOKEN_HEADER];
    // Node-RED reads the header synchronously: it gets a key now, the user when the lookup ends.
    const key = `upgrade-${Math.random().toString(36).slice(2)}`;
    upgrades.set(key, pending);
    req.headers[EDITOR_TOKEN_HEADER] = key;
    socket.once('close', () => upgrades.delete(key));
  };
  const upgrades = new Map<string, Promise<EditorUser | null>>();

  const flowsStartedWaiters = new Set<() => void>();
  let server: Server | null = null;

  return {
    handler,
    storage,
    events,
    get isLeader() {
      return leader.isLeader;
    },
    async start(httpServer) {
      server = httpServer;
      const automationUserId = await ensureAutomationUser(platform.knex);
      if (options.exampleFlows && (await storage.storedRev()) === 0) await storage.saveFlows(options.exampleFlows as Parameters<DatabaseFlowStorage['saveFlows']>[0], null);
      const ports = automationPorts(platform, new AutomationActors(platform, automationUserId), events);
      await mkdir(options.userDir, { recursive: true });
      // Node-RED logs ENOENT for a userDir without package.json.
      await writeFile(join(options.userDir, 'package.json'), JSON.stringify({ name: 'tessera-automation', private: true, description: 'Node-RED userDir of Tessera (flows are in the database)' }));
      const express4 = nodeRedRequire('express') as () => Express4App;
      const app = express4();
      app.disable('x-powered-by');
      const settings: Record<string, unknown> = {
        httpAdminRoot: EDITOR_ROOT,
        httpNodeRoot: HTTP_NODE_ROOT,
        userDir: options.userDir,
        nodesDir: [options.palette.dir],
        // Node-RED looks for the optional parts (settings, sessions) with hasOwnProperty: a plain object.
        storageModule: storageModule(storage),
        // Credentials reach our storage in plain text and are sealed there with the platform's key.
        credentialSecret: false,
        adminAuth: {
          tokenHeader: EDITOR_TOKEN_HEADER,
          tokens: async (key: string) => (key.startsWith('upgrade-') ? ((await upgrades.get(key)) ?? null) : auth.user(key)),
          users: async () => null,
        },
        externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpload: false }, modules: { allowInstall: false } },
        functionExternalModules: false,
        diagnostics: { enabled: false, ui: false },
        telemetry: { enabled: false },
        runtimeState: { enabled: false, ui: false },
        editorTheme: { projects: { enabled: false }, tours: false, header: { title: 'Tessera automation' }, page: { title: 'Tessera automation' } },
        logging: { console: { level: options.logLevel ?? 'warn', metrics: false, audit: false } },
        // Read by palette/tessera.js when Node-RED loads the Tessera nodes.
        tesseraPalette: (red: never) => options.palette.register(red, ports),
      };
      RED.init(httpServer, settings);
      app.use(HTTP_NODE_ROOT, RED.httpNode);
      app.use(EDITOR_ROOT, RED.httpAdmin);
      httpServer.prependListener('upgrade', onUpgrade);
      // One parameter: Node-RED calls a hook of any other arity with a callback it then waits for.
      RED.hooks.add('onSend.tesseraLeader', (_sendEvents: unknown) => (leader.isLeader ? undefined : false));
      RED.events.on('flows:started', () => {
        for (const resolve of flowsStartedWaiters) resolve();
        flowsStartedWaiters.clear();
      });
      storage.onFlowsSaved = (flows) => events.setListened(listenedEntities(flows));
      events.setListened(listenedEntities(await storage.getFlows()));
      const flowsStarted = this.flowsStarted();
      await RED.start();
      started = true;
      root = app;
      // Node-RED 5 starts the flows after start() resolves; a flow waiting for a missing node type never starts.
      await Promise.race([flowsStarted, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await leader.start();
      // A deploy made in another process: load its flows here too (each process keeps an editor and the flows ready to lead).
      let reloading = false;
      reloadTimer = setInterval(() => {
        if (reloading) return;
        reloading = true;
        void (async () => {
          if ((await storage.storedRev()) === storage.knownRev) return;
          await RED.nodes.loadFlows();
          events.setListened(listenedEntities(await storage.getFlows()));
        })()
          .catch((error: unknown) => console.error(`[tessera automation] loading flows deployed elsewhere failed: ${(error as Error).message}`))
          .finally(() => (reloading = false));
      }, intervalMs);
      reloadTimer.unref();
    },
    flowsStarted() {
      return new Promise<void>((resolve) => flowsStartedWaiters.add(resolve));
    },
    async stop() {
      root = null;
      if (reloadTimer) clearInterval(reloadTimer);
      await leader.stop();
      await events.close();
      RED.hooks.remove('onSend.tesseraLeader');
      server?.off('upgrade', onUpgrade);
      if (started) await RED.stop();
      started = false;
    },
  };
}
