/**
 * What to do about a URL of a service (`Qdrant`, `OpenAI`) that would send its API key in
 * clear text.
 *
 * @example
 * cleartextUrlAdvice('Qdrant'); // 'must be an https:// URL: over http:// the Qdrant API key crosses…'
 */
export const cleartextUrlAdvice = (service: string): string =>
  `must be an https:// URL: over http:// the ${service} API key crosses the network in clear text ` +
  '(http:// is allowed only for a loopback host: localhost, 127.0.0.1, [::1])';

/** `localhost`, an address of 127.0.0.0/8, or `[::1]`, as the WHATWG URL parser writes them. */
const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * Whether `url` is plain `http://` to a host other than this machine's loopback: what it sends,
 * an API key in a header included, crosses the network readable. A URL that does not parse is
 * not judged here (it is not one a client can call).
 *
 * @example
 * sendsOverNetworkInCleartext('http://qdrant.internal:6333'); // true
 * sendsOverNetworkInCleartext('http://127.0.0.1:6333'); // false
 * sendsOverNetworkInCleartext('https://qdrant.example.com'); // false
 */
export const sendsOverNetworkInCleartext = (url: string): boolean => {
  const parsed = URL.parse(url);
  return parsed?.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
};
