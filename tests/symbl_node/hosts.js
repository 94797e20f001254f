// Preloaded with `node -r ./hosts.js program.js`: answers DNS lookups for the names in HOSTS
// the way an /etc/hosts entry would, so a program that talks to https://api.symbl.ai reaches a
// callscribe server on this machine with neither the program nor the SDK changed. Every other
// name goes to the real resolver.
"use strict";

const dns = require("dns");

const HOSTS = { "api.symbl.ai": "127.0.0.1" };

const realLookup = dns.lookup;
const realPromiseLookup = dns.promises.lookup;

function entry(hostname, options) {
  const address = HOSTS[String(hostname).toLowerCase()];
  if (address === undefined) return undefined;
  const family = typeof options === "number" ? options : (options && options.family) || 0;
  if (family === 6) return undefined; // an IPv4 entry answers only IPv4 (or any-family) queries
  return { address, family: 4 };
}

dns.lookup = function lookup(hostname, options, callback) {
  const cb = typeof options === "function" ? options : callback;
  const opts = typeof options === "function" ? {} : options;
  const found = entry(hostname, opts);
  if (found === undefined) return realLookup.call(dns, hostname, options, callback);
  const all = typeof opts === "object" && opts !== null && opts.all;
  process.nextTick(() => (all ? cb(null, [found]) : cb(null, found.address, found.family)));
  return {};
};

dns.promises.lookup = async function lookup(hostname, options) {
  const found = entry(hostname, options);
  if (found === undefined) return realPromiseLookup.call(dns.promises, hostname, options);
  return typeof options === "object" && options !== null && options.all ? [found] : found;
};
