// Debian's Chromium is used (see README): never download a browser at install time.
module.exports = { skipDownload: true };
