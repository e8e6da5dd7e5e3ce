#!/usr/bin/env python3
"""Reads a PNG with the standard library only (zlib) and prints JSON statistics
of its pixels: width, height, the share of rows that are not one flat colour,
the number of distinct colours (capped) and the luminance variance.
Used by the report's headless-Chromium test to tell a rendered page from a blank one."""
import json, struct, sys, zlib

def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("not a PNG")
    pos, idat, w = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace != 0:
                raise SystemExit("unsupported PNG (need 8-bit RGB/RGBA, not interlaced)")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride): cur[i] = (cur[i] + cur[i - bpp]) & 255
        elif f == 2:
            cur = bytearray((a + b) & 255 for a, b in zip(cur, prev))
        elif f == 3:
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (cur[i] + pr) & 255
        rows.append(bytes(cur)); prev = cur
    return w, h, bpp, rows

def main():
    w, h, bpp, rows = read_png(sys.argv[1])
    colours, varied, n, s, s2 = set(), 0, 0, 0.0, 0.0
    for r in rows:
        px = [r[i:i + 3] for i in range(0, len(r), bpp)]
        if len(set(px)) > 1: varied += 1
        if len(colours) < 5000: colours.update(px[::7])
        for i in range(0, len(r), bpp * 5):
            lum = 0.2126 * r[i] + 0.7152 * r[i + 1] + 0.0722 * r[i + 2]
            n += 1; s += lum; s2 += lum * lum
    mean = s / n
    print(json.dumps({"width": w, "height": h, "varied_rows": varied / h, "colours": len(colours), "luminance_var": s2 / n - mean * mean}))

main()
