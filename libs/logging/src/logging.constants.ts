/** The app's one pino-http instance: its middleware logs each request, its `.logger` is the root of every line. */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');
