import '../../server/polyfills.js';
