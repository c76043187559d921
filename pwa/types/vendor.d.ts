// The vendored libraries (pwa/static/vendor, pinned by scripts/vendor.py) as the tablet's JS imports them;
// tsc checks our code's use of them, not their code.
export declare const qrcode: any;
