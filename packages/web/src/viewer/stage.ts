/**
 * The three.js side of the player: one mesh per MuJoCo geom, placed every frame from the geom's
 * simulated position and orientation, or a planar scene (envs' `sideView`: cart-pole) lifted into
 * the x–z plane; a ground with a 1 m grid, two lights, and a camera that follows the robot.
 *
 * Everything stays in MuJoCo's world coordinates (z up): the camera's `up` is +z, so no geom needs
 * converting to three.js's y-up convention. Browsers without a GPU (headless Chromium here) render
 * WebGL in software, so meshes are low-polygon, materials are Lambert, and there are no shadows.
 */
import {
  BoxGeometry,
  CanvasTexture,
  CapsuleGeometry,
  Color,
  CylinderGeometry,
  DirectionalLight,
  Fog,
  Group,
  HemisphereLight,
  Matrix4,
  Mesh,
  MeshLambertMaterial,
  PerspectiveCamera,
  PlaneGeometry,
  RepeatWrapping,
  SRGBColorSpace,
  Scene,
  SphereGeometry,
  Vector3,
  WebGLRenderer,
} from 'three';
import type { BufferGeometry, Material, Object3D, Texture } from 'three';
import type { MujocoGeometry, Point2, SceneShape } from '@policy-arena/envs';
import type { Pose, RecordedStep } from './episode.js';

// mjtGeom (mujoco/mjmodel.h). Height fields and meshes do not occur in the built-in models.
const PLANE = 0;
const SPHERE = 2;
const CAPSULE = 3;
const ELLIPSOID = 4;
const CYLINDER = 5;
const BOX = 6;

/** How the camera frames a robot: 'xz' side view (hopper, walker, cart-pole), 'xy' from above. */
export type Framing = 'xz' | 'xy';

/** The camera's offset from the point it looks at, per framing. */
const CAMERA_OFFSET: Record<Framing, Vector3> = {
  // From the side, a little in front and above, so the legs' depth order shows.
  xz: new Vector3(1.3, -3.9, 1.1),
  // The swimmer lies in the horizontal plane: from above at about 50°.
  xy: new Vector3(0, -2.6, 3.1),
};
/** Seconds for the camera to close ~63 % of the distance to the robot: smooth, yet never far behind. */
const CAMERA_LAG = 0.3;
/** Half the ground tile: it moves with the camera in whole metres, so it looks endless. */
const GROUND_HALF = 30;
const BACKGROUND = '#eef2f6';
const GROUND = '#d5dce4';
const GRID_LINE = '#97a3b3';
/** Depth of planar scenes' boxes (the cart) across the picture plane. */
const PLANAR_DEPTH = 0.3;

export interface StageOptions {
  readonly framing: Framing;
  /** Height of the point the camera looks at (m): about the middle of the robot. */
  readonly lookHeight: number;
  /** Cart-pole's track: rails from −halfLength to +halfLength along x, at this height. */
  readonly track?: { readonly halfLength: number; readonly height: number };
  /** Extra camera distance factor (cart-pole's track is wider than a hopper's stride). */
  readonly zoom?: number;
}

const colourOf = (rgba: ArrayLike<number>) =>
  new Color().setRGB(rgba[0]!, rgba[1]!, rgba[2]!, SRGBColorSpace);

function material(rgba: ArrayLike<number>): MeshLambertMaterial {
  const opacity = rgba[3] ?? 1;
  return new MeshLambertMaterial({ color: colourOf(rgba), transparent: opacity < 1, opacity });
}

/** A geom's shape in its own frame (MuJoCo: capsules and cylinders along local z). */
function geomShape(type: number, size: ArrayLike<number>): BufferGeometry | undefined {
  const [a, b, c] = [size[0]!, size[1]!, size[2]!];
  switch (type) {
    case SPHERE:
      return new SphereGeometry(a, 16, 10);
    case CAPSULE:
      return new CapsuleGeometry(a, 2 * b, 4, 12).rotateX(Math.PI / 2);
    case CYLINDER:
      return new CylinderGeometry(a, a, 2 * b, 16).rotateX(Math.PI / 2);
    case ELLIPSOID:
      return new SphereGeometry(1, 16, 10).scale(a, b, c);
    case BOX:
      return new BoxGeometry(2 * a, 2 * b, 2 * c);
    default:
      return undefined;
  }
}

/**
 * A 1 m grid square for the ground's texture. A texture rather than a GridHelper: in software WebGL
 * (SwiftShader) the helper's lines near the camera, whose ends lie far outside the picture, were
 * not drawn.
 */
function gridTexture(): CanvasTexture {
  const size = 128;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const context = canvas.getContext('2d')!;
  context.fillStyle = GROUND;
  context.fillRect(0, 0, size, size);
  context.strokeStyle = GRID_LINE;
  context.lineWidth = 3;
  context.strokeRect(0, 0, size, size);
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.wrapS = texture.wrapT = RepeatWrapping;
  texture.repeat.set(2 * GROUND_HALF, 2 * GROUND_HALF);
  return texture;
}

/** A ground tile with the grid texture, in its local x–y plane. */
function groundTile(texture: Texture): Mesh {
  return new Mesh(
    new PlaneGeometry(2 * GROUND_HALF, 2 * GROUND_HALF),
    new MeshLambertMaterial({ map: texture }),
  );
}

/** Sets a placed object's matrix from MuJoCo's position and row-major rotation matrix. */
function setPose(object: Object3D, xpos: ArrayLike<number>, xmat: ArrayLike<number>, i: number): void {
  const p = 3 * i;
  const m = 9 * i;
  object.matrix.set(
    xmat[m]!,
    xmat[m + 1]!,
    xmat[m + 2]!,
    xpos[p]!,
    xmat[m + 3]!,
    xmat[m + 4]!,
    xmat[m + 5]!,
    xpos[p + 1]!,
    xmat[m + 6]!,
    xmat[m + 7]!,
    xmat[m + 8]!,
    xpos[p + 2]!,
    0,
    0,
    0,
    1,
  );
  object.matrixWorldNeedsUpdate = true;
}

/** Something that places its meshes for a pose; the camera looks at `focus`. */
interface Drawing {
  place(pose: Pose, focus: Vector3): void;
}

class MujocoDrawing implements Drawing {
  /** Per geom: its object, or undefined for a type that is not drawn. */
  private readonly objects: (Object3D | undefined)[] = [];
  private readonly planes = new Set<number>();
  private readonly shift = new Matrix4();
  private readonly local = new Vector3();
  private readonly rotation = new Matrix4();

  constructor(parent: Group, geometry: MujocoGeometry, ground: Texture) {
    for (let i = 0; i < geometry.count; i++) {
      const type = geometry.type[i]!;
      let object: Object3D | undefined;
      if (type === PLANE) {
        // MuJoCo's planes are infinite for collisions, whatever size they are drawn at. The
        // models' floors have no colour of their own (the default rgba, the robot's), so the
        // ground has its own.
        object = groundTile(ground);
        this.planes.add(i);
      } else {
        const shape = geomShape(type, geometry.size.subarray(3 * i, 3 * i + 3));
        if (shape) object = new Mesh(shape, material(geometry.rgba.subarray(4 * i, 4 * i + 4)));
      }
      if (object) {
        object.matrixAutoUpdate = false;
        parent.add(object);
      }
      this.objects.push(object);
    }
  }

  place(pose: Pose, focus: Vector3): void {
    if (pose.kind !== 'mujoco') throw new TypeError('a MuJoCo drawing got a planar pose');
    const { xpos, xmat } = pose.geometry;
    this.objects.forEach((object, i) => {
      if (!object) return;
      setPose(object, xpos, xmat, i);
      if (this.planes.has(i)) {
        // Slide the tile under the camera by whole grid squares along the plane's own axes.
        this.rotation.extractRotation(object.matrix).transpose();
        this.local.set(focus.x - xpos[3 * i]!, focus.y - xpos[3 * i + 1]!, focus.z - xpos[3 * i + 2]!);
        this.local.applyMatrix4(this.rotation);
        object.matrix.multiply(
          this.shift.makeTranslation(Math.round(this.local.x), Math.round(this.local.y), 0),
        );
      }
    });
  }
}

const Z = new Vector3(0, 0, 1);

/** A planar scene in the x–z plane (y = 0), as 3-D solids: boxes, cylinders, spheres, a ground. */
class PlanarDrawing implements Drawing {
  private readonly objects: Object3D[] = [];
  private readonly direction = new Vector3();

  constructor(parent: Group, shapes: readonly SceneShape[], ground: Texture, track: StageOptions['track']) {
    for (const shape of shapes) {
      let object: Object3D;
      if (shape.kind === 'ground') object = groundTile(ground);
      else if (shape.kind === 'rect') {
        object = new Mesh(
          new BoxGeometry(2 * shape.halfWidth, PLANAR_DEPTH, 2 * shape.halfHeight),
          material(shape.rgba),
        );
      } else if (shape.kind === 'disc')
        object = new Mesh(new SphereGeometry(shape.radius, 16, 10), material(shape.rgba));
      // A unit-length cylinder along z, stretched to the segment each frame.
      else
        object = new Mesh(
          new CylinderGeometry(shape.radius, shape.radius, 1, 12).rotateX(Math.PI / 2),
          material(shape.rgba),
        );
      parent.add(object);
      this.objects.push(object);
    }
    if (track) {
      const rail = material([0.45, 0.48, 0.53, 1]);
      for (const y of [-0.1, 0.1]) {
        const bar = new Mesh(new BoxGeometry(2 * track.halfLength, 0.03, 0.03), rail);
        bar.position.set(0, y, track.height);
        parent.add(bar);
      }
      // End stops at the limits past which the episode ends.
      for (const x of [-track.halfLength, track.halfLength]) {
        const stop = new Mesh(new BoxGeometry(0.04, 0.3, 0.12), material([0.75, 0.2, 0.2, 1]));
        stop.position.set(x, 0, track.height + 0.06);
        parent.add(stop);
      }
    }
  }

  place(pose: Pose, focus: Vector3): void {
    if (pose.kind !== 'planar') throw new TypeError('a planar drawing got a MuJoCo pose');
    const shapes = pose.scene.shapes;
    if (shapes.length !== this.objects.length) throw new Error('the planar scene changed its shapes');
    shapes.forEach((shape, i) => {
      const object = this.objects[i]!;
      if (shape.kind === 'ground') object.position.set(Math.round(focus.x), 0, shape.height);
      else if (shape.kind === 'rect') object.position.set(shape.centre[0], 0, shape.centre[1]);
      else if (shape.kind === 'disc') object.position.set(shape.centre[0], 0, shape.centre[1]);
      else {
        const [ax, az] = shape.a;
        const [bx, bz] = shape.b;
        this.direction.set(bx - ax, 0, bz - az);
        const length = this.direction.length();
        object.position.set((ax + bx) / 2, 0, (az + bz) / 2);
        object.quaternion.setFromUnitVectors(Z, this.direction.normalize());
        object.scale.set(1, 1, length);
      }
    });
  }
}

export class Stage {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera: PerspectiveCamera;
  private readonly drawing: Drawing;
  private readonly ground = gridTexture();
  private readonly offset: Vector3;
  private readonly lookHeight: number;
  private readonly framing: Framing;
  private readonly target = new Vector3();
  private readonly look = new Vector3();
  private rendered = 0;

  /** Throws when the browser cannot create a WebGL context. */
  constructor(canvas: HTMLCanvasElement, first: RecordedStep, options: StageOptions) {
    this.canvas = canvas;
    this.renderer = new WebGLRenderer({ canvas, antialias: true, powerPreference: 'low-power' });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.setSize(canvas.width, canvas.height, false);
    // The grid lines recede at a grazing angle: anisotropic filtering keeps them from blurring away.
    this.ground.anisotropy = this.renderer.capabilities.getMaxAnisotropy();
    this.framing = options.framing;
    this.offset = CAMERA_OFFSET[options.framing].clone().multiplyScalar(options.zoom ?? 1);
    this.lookHeight = options.lookHeight;
    this.camera = new PerspectiveCamera(40, canvas.width / canvas.height, 0.05, 200);
    this.camera.up.set(0, 0, 1);

    this.scene.background = new Color(BACKGROUND);
    this.scene.fog = new Fog(BACKGROUND, 10, 30);
    this.scene.add(new HemisphereLight('#ffffff', '#7d8696', 2.2));
    const sun = new DirectionalLight('#ffffff', 1.6);
    sun.position.set(2, -3, 5);
    this.scene.add(sun);
    const robot = new Group();
    this.scene.add(robot);
    this.drawing =
      first.pose.kind === 'mujoco'
        ? new MujocoDrawing(robot, first.pose.geometry, this.ground)
        : new PlanarDrawing(robot, first.pose.scene.shapes, this.ground, options.track);
  }

  get framesRendered(): number {
    return this.rendered;
  }

  /**
   * Draws `step`. The camera moves `seconds` of real time towards the robot, or straight to it
   * with `snap` (a new episode starts elsewhere).
   */
  render(step: RecordedStep, seconds: number, snap: boolean): void {
    this.aimAt(step.focus);
    if (snap) this.look.copy(this.target);
    else this.look.lerp(this.target, 1 - Math.exp(-seconds / CAMERA_LAG));
    this.camera.position.copy(this.look).add(this.offset);
    this.camera.lookAt(this.look);
    this.drawing.place(step.pose, this.look);
    this.renderer.render(this.scene, this.camera);
    this.rendered++;
    this.canvas.dataset.frames = String(this.rendered);
  }

  private aimAt(focus: Point2): void {
    if (this.framing === 'xy') this.target.set(focus[0], focus[1], this.lookHeight);
    else this.target.set(focus[0], 0, this.lookHeight);
  }

  dispose(): void {
    this.scene.traverse((object) => {
      if (object instanceof Mesh) {
        (object.geometry as BufferGeometry).dispose();
        const materials = object.material as Material | Material[];
        for (const m of Array.isArray(materials) ? materials : [materials]) m.dispose();
      }
    });
    this.ground.dispose();
    this.renderer.dispose();
    // Frees the context now: browsers keep only a few WebGL contexts per page.
    this.renderer.forceContextLoss();
  }
}
