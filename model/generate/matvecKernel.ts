import wabtInit from 'wabt';

/**
 * y += x W for one vector x and a row-major matrix W (and `matvec2`, two vectors), in WebAssembly SIMD (4 floats per
 * instruction). Generation steps one event at a time, so every layer is a vector-matrix
 * product: measured on this machine's core, plain JS reached 0.8 GMAC/s, tfjs-wasm's matMul
 * 3 GMAC/s (per-op overhead dominates at one row) and this loop 10 GMAC/s.
 * Byte offsets into the instance's memory; `cols` is a multiple of 4 and is also W's row stride.
 */
const MATVEC_WAT = `(module
  (import "env" "memory" (memory 1))
  (func (export "matvec") (param $x i32) (param $rows i32) (param $w i32) (param $y i32) (param $cols i32)
    (local $i i32) (local $xi v128) (local $row i32) (local $yp i32) (local $yend i32)
    (local.set $yend (i32.add (local.get $y) (i32.shl (local.get $cols) (i32.const 2))))
    (local.set $row (local.get $w))
    (block $done (loop $rowLoop
      (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $xi (f32x4.splat (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $yp (local.get $y))
      (block $rowDone (loop $colLoop
        (br_if $rowDone (i32.ge_u (local.get $yp) (local.get $yend)))
        (v128.store (local.get $yp) (f32x4.add (v128.load (local.get $yp)) (f32x4.mul (local.get $xi) (v128.load (local.get $row)))))
        (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
        (local.set $row (i32.add (local.get $row) (i32.const 16)))
        (br $colLoop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rowLoop))))
  (func (export "matvec2") (param $x i32) (param $x2 i32) (param $rows i32) (param $w i32) (param $y i32) (param $y2 i32) (param $cols i32)
    (local $i i32) (local $xi v128) (local $xi2 v128) (local $weights v128) (local $row i32) (local $yp i32) (local $yp2 i32) (local $yend i32)
    (local.set $yend (i32.add (local.get $y) (i32.shl (local.get $cols) (i32.const 2))))
    (local.set $row (local.get $w))
    (block $done (loop $rowLoop
      (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $xi (f32x4.splat (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $xi2 (f32x4.splat (f32.load (i32.add (local.get $x2) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $yp (local.get $y))
      (local.set $yp2 (local.get $y2))
      (block $rowDone (loop $colLoop
        (br_if $rowDone (i32.ge_u (local.get $yp) (local.get $yend)))
        (local.set $weights (v128.load (local.get $row)))
        (v128.store (local.get $yp) (f32x4.add (v128.load (local.get $yp)) (f32x4.mul (local.get $xi) (local.get $weights))))
        (v128.store (local.get $yp2) (f32x4.add (v128.load (local.get $yp2)) (f32x4.mul (local.get $xi2) (local.get $weights))))
        (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
        (local.set $yp2 (i32.add (local.get $yp2) (i32.const 16)))
        (local.set $row (i32.add (local.get $row) (i32.const 16)))
        (br $colLoop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rowLoop)))))`;

export type MatvecFunction = (x: number, rows: number, w: number, y: number, cols: number) => void;
/**
 * y += x W and y2 += x2 W in one pass over W: two readings of the same weights (guidance's keyed
 * and key-free steppers) for little more than the memory traffic of one. Each output gets the same
 * operations in the same order as from `matvec`, so the results are the same bits.
 */
export type Matvec2Function = (x: number, x2: number, rows: number, w: number, y: number, y2: number, cols: number) => void;

/** Compiles the kernel once (about 50 ms, most of it loading the assembler); instances share it. */
export async function compileMatvecKernel(): Promise<WebAssembly.Module> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('matvec.wat', MATVEC_WAT, { simd: true });
  try {
    return new WebAssembly.Module(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** An instance of the kernel over its own memory of `bytes` bytes (fixed: views never go stale). */
export function instantiateMatvec(
  kernel: WebAssembly.Module,
  bytes: number,
): { memory: WebAssembly.Memory; matvec: MatvecFunction; matvec2: Matvec2Function } {
  const pages = Math.ceil(bytes / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(kernel, { env: { memory } });
  return { memory, matvec: instance.exports.matvec as MatvecFunction, matvec2: instance.exports.matvec2 as Matvec2Function };
}
