/**
 * The 3D plant: one InstancedMesh per machine-type part, instance colours for state, an instanced
 * marker above each machine for its worst active alert, orbit/zoom/touch through OrbitControls.
 * The frame loop allocates nothing: matrices and colours are reused scratch objects.
 */
import {
  AmbientLight,
  BoxGeometry,
  Color,
  DirectionalLight,
  DynamicDrawUsage,
  InstancedMesh,
  Matrix4,
  MeshStandardMaterial,
  OctahedronGeometry,
  PerspectiveCamera,
  PlaneGeometry,
  Mesh,
  Raycaster,
  Scene,
  Vector2,
  WebGLRenderer,
  Quaternion,
  Vector3,
  Euler,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { MachineKind, PlantLayout } from '../../lib/plant.js';
import { SEVERITY_LOOK, STATE_LOOK, type MachineState, type Severity } from '../../lib/state.js';
import { shapeOf, type PartSpec } from './shapes.js';

interface KindGroup {
  readonly kind: MachineKind;
  readonly ids: string[];
  readonly base: Matrix4[];
  readonly parts: Array<{ spec: PartSpec; mesh: InstancedMesh }>;
}

interface Slot {
  readonly group: KindGroup;
  readonly index: number;
  /** Index in the alert-marker mesh. */
  readonly marker: number;
  state: MachineState;
  severity: Severity | undefined;
  phase: number;
}

export interface SceneInfo {
  readonly machines: number;
  readonly drawCalls: number;
  readonly frames: number;
  /** Smoothed main-thread milliseconds per frame (animation + render submission). */
  readonly frameCpuMs: number;
  colorOf(id: string): string | undefined;
  stateOf(id: string): MachineState | undefined;
  severityOf(id: string): Severity | undefined;
  /** Screen position (CSS pixels in the canvas) of a machine, for clicking it in tests and tours. */
  screenOf(id: string): { x: number; y: number } | undefined;
}

export class FactoryScene {
  readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(45, 1, 0.5, 2000);
  private readonly controls: OrbitControls;
  private readonly groups = new Map<MachineKind, KindGroup>();
  private readonly slots = new Map<string, Slot>();
  private readonly running = new Set<Slot>();
  /** Machines whose worst alert is critical, kept as an array for the frame loop. */
  private critical: Slot[] = [];
  private markers: InstancedMesh | undefined;
  private readonly markerIds: string[] = [];
  private frameHandle = 0;
  private frames = 0;
  private frameCpuMs = 0;
  private disposed = false;
  private readonly resizeObserver: ResizeObserver;
  // scratch objects for the frame loop (no allocation per frame)
  private readonly m = new Matrix4();
  private readonly m2 = new Matrix4();
  private readonly q = new Quaternion();
  private readonly e = new Euler();
  private readonly v = new Vector3();
  private readonly s = new Vector3(1, 1, 1);
  private readonly c = new Color();
  private readonly ray = new Raycaster();
  private readonly pointer = new Vector2();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onPick: (id: string | undefined) => void,
  ) {
    this.renderer = new WebGLRenderer({ canvas, antialias: true, powerPreference: 'high-performance', preserveDrawingBuffer: false });
    this.renderer.setPixelRatio(Math.min(2, devicePixelRatio));
    this.scene.background = new Color(0x0e171f);
    this.scene.add(new AmbientLight(0xffffff, 0.9));
    const sun = new DirectionalLight(0xffffff, 1.6);
    sun.position.set(30, 60, 40);
    this.scene.add(sun);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = true;
    this.controls.maxPolarAngle = Math.PI * 0.48;
    this.controls.screenSpacePanning = false;
    // Arrow keys pan when the canvas has focus (the machine list is the keyboard way to pick).
    canvas.tabIndex = 0;
    this.controls.listenToKeyEvents(canvas);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas.parentElement ?? canvas);
    this.installPicking();
    this.resize();
  }

  /** Builds the instanced meshes for a layout (again when the graph's structure changes). */
  build(layout: PlantLayout): void {
    this.clearMeshes();
    const floor = new Mesh(new PlaneGeometry(layout.halfWidth * 2 + 8, layout.halfDepth * 2 + 8), new MeshStandardMaterial({ color: 0x1a2530 }));
    floor.rotation.x = -Math.PI / 2;
    floor.name = 'floor';
    this.scene.add(floor);
    const lanes = new InstancedMesh(new BoxGeometry(1, 0.02, 2.8), new MeshStandardMaterial({ color: 0x24313d }), Math.max(1, layout.lines.length));
    lanes.name = 'lanes';
    layout.lines.forEach((l, i) => lanes.setMatrixAt(i, this.m.compose(this.v.set(0, 0.01, l.z), this.q.identity(), this.s.set(layout.halfWidth * 2, 1, 1))));
    lanes.count = layout.lines.length;
    this.scene.add(lanes);

    for (const placed of layout.machines) {
      let g = this.groups.get(placed.kind);
      if (!g) this.groups.set(placed.kind, (g = { kind: placed.kind, ids: [], base: [], parts: [] }));
      g.ids.push(placed.id);
      g.base.push(new Matrix4().makeTranslation(placed.x, 0, placed.z));
    }
    this.markers = new InstancedMesh(new OctahedronGeometry(0.35), new MeshStandardMaterial({ color: 0xffffff, emissive: 0x222222 }), Math.max(1, layout.machines.length));
    this.markers.instanceMatrix.setUsage(DynamicDrawUsage);
    this.markers.name = 'alerts';
    let markerIndex = 0;
    for (const g of this.groups.values()) {
      for (const spec of shapeOf(g.kind)) {
        const mat = new MeshStandardMaterial({ color: spec.tinted ? 0xffffff : spec.color, roughness: 0.7, metalness: 0.2 });
        const mesh = new InstancedMesh(spec.geometry, mat, g.ids.length);
        mesh.name = `${g.kind}:${spec.motion}`;
        if (spec.motion !== 'none') mesh.instanceMatrix.setUsage(DynamicDrawUsage);
        for (let i = 0; i < g.ids.length; i++) {
          mesh.setMatrixAt(i, this.m.multiplyMatrices(g.base[i]!, spec.offset));
          if (spec.tinted) mesh.setColorAt(i, this.c.setHex(STATE_LOOK.Unknown.color));
        }
        mesh.userData['pickable'] = spec.pickable;
        mesh.userData['group'] = g.kind;
        mesh.computeBoundingSphere();
        this.scene.add(mesh);
        g.parts.push({ spec, mesh });
      }
      g.ids.forEach((id, index) => {
        this.slots.set(id, { group: g, index, marker: markerIndex, state: 'Unknown', severity: undefined, phase: (index * 0.37) % (Math.PI * 2) });
        this.markerIds[markerIndex] = id;
        this.markers!.setMatrixAt(markerIndex, this.m.makeScale(0, 0, 0));
        this.markers!.setColorAt(markerIndex, this.c.setHex(0xffffff));
        markerIndex++;
      });
    }
    this.scene.add(this.markers);
    this.frame(layout);
  }

  /** Colours a machine by its state; running machines join the animated set. */
  setState(id: string, state: MachineState): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.state = state;
    this.c.setHex(STATE_LOOK[state].color);
    for (const { spec, mesh } of slot.group.parts) {
      if (!spec.tinted) continue;
      mesh.setColorAt(slot.index, this.c);
      mesh.instanceColor!.needsUpdate = true;
    }
    if (STATE_LOOK[state].animated) this.running.add(slot);
    else if (this.running.delete(slot)) this.restPose(slot);
  }

  /** Shows (or hides, for undefined) the alert marker above a machine in its severity colour. */
  setSeverity(id: string, severity: Severity | undefined): void {
    const slot = this.slots.get(id);
    if (!slot || !this.markers) return;
    if ((slot.severity === 'critical') !== (severity === 'critical')) {
      this.critical = severity === 'critical' ? [...this.critical, slot] : this.critical.filter((s) => s !== slot);
    }
    slot.severity = severity;
    const base = slot.group.base[slot.index]!;
    this.v.setFromMatrixPosition(base);
    if (severity) {
      this.markers.setMatrixAt(slot.marker, this.m.makeTranslation(this.v.x, 3, this.v.z));
      this.markers.setColorAt(slot.marker, this.c.setHex(SEVERITY_LOOK[severity].color));
      this.markers.instanceColor!.needsUpdate = true;
    } else this.markers.setMatrixAt(slot.marker, this.m.makeScale(0, 0, 0));
    this.markers.instanceMatrix.needsUpdate = true;
  }

  focus(id: string): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    this.v.setFromMatrixPosition(slot.group.base[slot.index]!);
    this.controls.target.copy(this.v);
  }

  start(): void {
    const loop = (t: number) => {
      if (this.disposed) return;
      this.frameHandle = requestAnimationFrame(loop);
      if (document.hidden) return;
      const start = performance.now();
      this.animate(t / 1000);
      this.controls.update();
      this.renderer.render(this.scene, this.camera);
      this.frames++;
      // Main-thread time per frame, smoothed (what the frame loop costs the page, bench/web.ts).
      this.frameCpuMs += (performance.now() - start - this.frameCpuMs) * 0.05;
    };
    this.frameHandle = requestAnimationFrame(loop);
  }

  /** Live figures (getters) and per-machine lookups read from the meshes themselves. */
  info(): SceneInfo {
    const self = this;
    return {
      get machines() {
        return self.slots.size;
      },
      get drawCalls() {
        return self.renderer.info.render.calls;
      },
      get frames() {
        return self.frames;
      },
      get frameCpuMs() {
        return self.frameCpuMs;
      },
      colorOf: (id) => {
        const slot = this.slots.get(id);
        const tinted = slot?.group.parts.find((p) => p.spec.tinted);
        if (!slot || !tinted) return undefined;
        tinted.mesh.getColorAt(slot.index, this.c);
        return `#${this.c.getHexString()}`;
      },
      stateOf: (id) => this.slots.get(id)?.state,
      severityOf: (id) => this.slots.get(id)?.severity,
      screenOf: (id) => {
        const slot = this.slots.get(id);
        if (!slot) return undefined;
        this.v.setFromMatrixPosition(slot.group.base[slot.index]!).setY(0.9).project(this.camera);
        const r = this.canvas.getBoundingClientRect();
        return { x: ((this.v.x + 1) / 2) * r.width, y: ((1 - this.v.y) / 2) * r.height };
      },
    };
  }

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.frameHandle);
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.clearMeshes();
    this.renderer.dispose();
  }

  /** Moves the animated part of every running machine (matrices reused, nothing allocated). */
  private animate(t: number): void {
    // Index loops: a for-of over the parts would allocate an iterator per machine per frame.
    for (const slot of this.running) {
      const parts = slot.group.parts;
      for (let i = 0; i < parts.length; i++) {
        const { spec, mesh } = parts[i]!;
        if (spec.motion === 'none') continue;
        this.pose(spec, slot, t);
        mesh.setMatrixAt(slot.index, this.m);
        mesh.instanceMatrix.needsUpdate = true;
      }
    }
    const markers = this.markers;
    if (!markers) return;
    // Critical markers bob so they draw the eye (motion, not only colour).
    for (let i = 0; i < this.critical.length; i++) {
      const slot = this.critical[i]!;
      this.v.setFromMatrixPosition(slot.group.base[slot.index]!);
      this.e.set(0, t * 2, 0);
      this.q.setFromEuler(this.e);
      this.m.compose(this.v.setY(3 + Math.sin(t * 4 + slot.phase) * 0.25), this.q, this.s.set(1, 1, 1));
      markers.setMatrixAt(slot.marker, this.m);
      markers.instanceMatrix.needsUpdate = true;
    }
  }

  /** Leaves `this.m` = base × offset × motion(t). */
  private pose(spec: PartSpec, slot: Slot, t: number): void {
    const p = t + slot.phase;
    switch (spec.motion) {
      case 'spin':
        this.m2.makeRotationY(p * 12);
        break;
      case 'swing':
        this.m2.makeRotationY(Math.sin(p * 1.5) * 1.2);
        break;
      case 'slide':
        this.m2.makeTranslation(((p * 0.8) % 1) * 3 - 1.5, 0, 0);
        break;
      case 'bob':
        this.m2.makeTranslation(0, Math.sin(p * 3) * 0.3, 0);
        break;
      case 'none':
        this.m2.identity();
        break;
      default: {
        const never: never = spec.motion;
        return never;
      }
    }
    this.m.multiplyMatrices(slot.group.base[slot.index]!, spec.offset).multiply(this.m2);
  }

  private restPose(slot: Slot): void {
    for (const { spec, mesh } of slot.group.parts) {
      if (spec.motion === 'none') continue;
      mesh.setMatrixAt(slot.index, this.m.multiplyMatrices(slot.group.base[slot.index]!, spec.offset));
      mesh.instanceMatrix.needsUpdate = true;
    }
  }

  private frame(layout: PlantLayout): void {
    // A narrow (portrait) screen needs the camera further back to fit the plant's width.
    const span = Math.max(layout.halfWidth, layout.halfDepth, 6) * Math.max(1, 1.4 / this.camera.aspect);
    this.camera.position.set(span * 0.25, span * 1.35, span * 1.9);
    this.controls.target.set(0, 0, 0);
    this.camera.far = span * 20;
    this.controls.maxDistance = span * 6;
    this.controls.minDistance = 3;
    this.camera.updateProjectionMatrix();
  }

  private resize(): void {
    const parent = this.canvas.parentElement;
    const w = Math.max(1, parent?.clientWidth ?? 300);
    const h = Math.max(1, parent?.clientHeight ?? 300);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  private installPicking(): void {
    let down: { x: number; y: number } | undefined;
    this.canvas.addEventListener('pointerdown', (e) => (down = { x: e.clientX, y: e.clientY }));
    this.canvas.addEventListener('pointerup', (e) => {
      // A drag orbits the camera; only a click (little movement) picks.
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 6) return;
      const r = this.canvas.getBoundingClientRect();
      this.pointer.set(((e.clientX - r.left) / r.width) * 2 - 1, -((e.clientY - r.top) / r.height) * 2 + 1);
      this.ray.setFromCamera(this.pointer, this.camera);
      const targets = this.scene.children.filter((o) => o instanceof InstancedMesh && o.userData['pickable'] === true);
      const hit = this.ray.intersectObjects(targets, false)[0];
      const kind = hit?.object.userData['group'] as MachineKind | undefined;
      const id = kind !== undefined && hit?.instanceId !== undefined ? this.groups.get(kind)?.ids[hit.instanceId] : undefined;
      this.onPick(id);
    });
  }

  private clearMeshes(): void {
    for (const obj of [...this.scene.children]) {
      if (obj instanceof Mesh) {
        this.scene.remove(obj);
        obj.geometry.dispose();
        (obj.material as MeshStandardMaterial).dispose();
        if (obj instanceof InstancedMesh) obj.dispose();
      }
    }
    this.groups.clear();
    this.slots.clear();
    this.running.clear();
    this.critical = [];
    this.markerIds.length = 0;
    this.markers = undefined;
  }
}
