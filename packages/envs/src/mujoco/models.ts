/**
 * MJCF models of the three locomotion tasks, embedded so the published package needs no data files.
 *
 * Gym's v3/v4 model parameters, rewritten in local coordinates so that they load in MuJoCo 3.x
 * (inertia from geoms, so the dynamics match the global-coordinate originals), with two additions:
 * `<size memory="1M"/>`, which caps the arena of each MjData (MuJoCo 3 reserves 13 MiB otherwise),
 * and `<flag island="disable"/>`: MuJoCo 3's constraint-island discovery (`mj_island`, ~4 % of a
 * hopper step) buys nothing for one small body per model, and without it hopper and walker steps
 * are ~10 % faster with bitwise-identical trajectories (tested in `models.test.ts`). Neither
 * changes the dynamics; the native golden harness strips both (`nativeXml`), because MuJoCo 2.2.2
 * knows neither.
 */

export const SWIMMER_XML = `<!-- Planar 3-link swimmer, gym Swimmer-v3/v4-like parameters, local coordinates.
     Viscous fluid via option viscosity/density; body geoms do not collide (contype=conaffinity=0).
     Gym uses frame_skip 4 (env dt 0.04). rllab used timestep 0.001, Euler, frame_skip 50. -->
<mujoco model="swimmer">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option density="4000" integrator="RK4" timestep="0.01" viscosity="0.1">
    <flag island="disable"/>
  </option>
  <default>
    <geom conaffinity="0" condim="1" contype="0" rgba="0.8 0.6 .4 1"/>
    <joint armature="0.1"/>
  </default>
  <size memory="1M"/>
  <worldbody>
    <geom conaffinity="1" condim="3" name="floor" pos="0 0 -0.1" size="40 40 0.1" type="plane"/>
    <body name="torso" pos="0 0 0">
      <geom density="1000" fromto="1.5 0 0 0.5 0 0" size="0.1" type="capsule"/>
      <joint axis="1 0 0" name="slider1" pos="0 0 0" type="slide"/>
      <joint axis="0 1 0" name="slider2" pos="0 0 0" type="slide"/>
      <joint axis="0 0 1" name="free_body_rot" pos="0 0 0" type="hinge"/>
      <body name="mid" pos="0.5 0 0">
        <geom density="1000" fromto="0 0 0 -1 0 0" size="0.1" type="capsule"/>
        <joint axis="0 0 1" limited="true" name="motor1_rot" pos="0 0 0" range="-100 100" type="hinge"/>
        <body name="back" pos="-1 0 0">
          <geom density="1000" fromto="0 0 0 -1 0 0" size="0.1" type="capsule"/>
          <joint axis="0 0 1" limited="true" name="motor2_rot" pos="0 0 0" range="-100 100" type="hinge"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="150.0" joint="motor1_rot"/>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="150.0" joint="motor2_rot"/>
  </actuator>
</mujoco>
`;

export const HOPPER_XML = `<!-- Planar hopper (torso/thigh/leg/foot), gym Hopper-v3/v4-like parameters rewritten in LOCAL coordinates
     (each body frame sits at its joint; inertia from geoms, so dynamics match the global-coordinate original).
     RK4, timestep 0.002, 3 motors gear 200; gym uses frame_skip 4 (env dt 0.008).
     rootz has ref=1.25 so qpos[1] is the torso height, as in gym/rllab. -->
<mujoco model="hopper">
  <compiler angle="degree" inertiafromgeom="true"/>
  <default>
    <joint armature="1" damping="1" limited="true"/>
    <geom conaffinity="1" condim="1" contype="1" margin="0.001" rgba="0.8 0.6 .4 1" solimp=".8 .8 .01" solref=".02 1"/>
    <motor ctrllimited="true" ctrlrange="-.4 .4"/>
  </default>
  <option integrator="RK4" timestep="0.002">
    <flag island="disable"/>
  </option>
  <size memory="1M"/>
  <worldbody>
    <geom conaffinity="1" condim="3" name="floor" pos="0 0 0" size="20 20 .125" type="plane"/>
    <body name="torso" pos="0 0 1.25">
      <joint armature="0" axis="1 0 0" damping="0" limited="false" name="rootx" pos="0 0 0" stiffness="0" type="slide"/>
      <joint armature="0" axis="0 0 1" damping="0" limited="false" name="rootz" pos="0 0 0" ref="1.25" stiffness="0" type="slide"/>
      <joint armature="0" axis="0 1 0" damping="0" limited="false" name="rooty" pos="0 0 0" stiffness="0" type="hinge"/>
      <geom friction="0.9" fromto="0 0 0.2 0 0 -0.2" name="torso_geom" size="0.05" type="capsule"/>
      <body name="thigh" pos="0 0 -0.2">
        <joint axis="0 -1 0" name="thigh_joint" pos="0 0 0" range="-150 0" type="hinge"/>
        <geom friction="0.9" fromto="0 0 0 0 0 -0.45" name="thigh_geom" size="0.05" type="capsule"/>
        <body name="leg" pos="0 0 -0.45">
          <joint axis="0 -1 0" name="leg_joint" pos="0 0 0" range="-150 0" type="hinge"/>
          <geom friction="0.9" fromto="0 0 0 0 0 -0.5" name="leg_geom" size="0.04" type="capsule"/>
          <body name="foot" pos="0 0 -0.5">
            <joint axis="0 -1 0" name="foot_joint" pos="0 0 0" range="-45 45" type="hinge"/>
            <geom friction="2.0" fromto="-0.13 0 0 0.26 0 0" name="foot_geom" size="0.06" type="capsule"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="200.0" joint="thigh_joint"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="200.0" joint="leg_joint"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="200.0" joint="foot_joint"/>
  </actuator>
</mujoco>
`;

export const WALKER2D_XML = `<!-- Planar walker2d (torso + two 3-segment legs), gym Walker2d-v3/v4-like parameters rewritten in LOCAL coordinates.
     RK4, timestep 0.002, 6 motors gear 100; gym uses frame_skip 4 (env dt 0.008).
     Leg geoms collide with the floor only (contype=1, conaffinity=0). -->
<mujoco model="walker2d">
  <compiler angle="degree" inertiafromgeom="true"/>
  <default>
    <joint armature="0.01" damping=".1" limited="true"/>
    <geom conaffinity="0" condim="3" contype="1" density="1000" friction=".7 .1 .1" rgba="0.8 0.6 .4 1"/>
  </default>
  <option integrator="RK4" timestep="0.002">
    <flag island="disable"/>
  </option>
  <size memory="1M"/>
  <worldbody>
    <geom conaffinity="1" condim="3" name="floor" pos="0 0 0" size="40 40 40" type="plane"/>
    <body name="torso" pos="0 0 1.25">
      <joint armature="0" axis="1 0 0" damping="0" limited="false" name="rootx" pos="0 0 0" stiffness="0" type="slide"/>
      <joint armature="0" axis="0 0 1" damping="0" limited="false" name="rootz" pos="0 0 0" ref="1.25" stiffness="0" type="slide"/>
      <joint armature="0" axis="0 1 0" damping="0" limited="false" name="rooty" pos="0 0 0" stiffness="0" type="hinge"/>
      <geom friction="0.9" fromto="0 0 0.2 0 0 -0.2" name="torso_geom" size="0.05" type="capsule"/>
      <body name="thigh" pos="0 0 -0.2">
        <joint axis="0 -1 0" name="thigh_joint" pos="0 0 0" range="-150 0" type="hinge"/>
        <geom friction="0.9" fromto="0 0 0 0 0 -0.45" name="thigh_geom" size="0.05" type="capsule"/>
        <body name="leg" pos="0 0 -0.45">
          <joint axis="0 -1 0" name="leg_joint" pos="0 0 0" range="-150 0" type="hinge"/>
          <geom friction="0.9" fromto="0 0 0 0 0 -0.5" name="leg_geom" size="0.04" type="capsule"/>
          <body name="foot" pos="0 0 -0.5">
            <joint axis="0 -1 0" name="foot_joint" pos="0 0 0" range="-45 45" type="hinge"/>
            <geom friction="0.9" fromto="0 0 0 0.2 0 0" name="foot_geom" size="0.06" type="capsule"/>
          </body>
        </body>
      </body>
      <body name="thigh_left" pos="0 0 -0.2">
        <joint axis="0 -1 0" name="thigh_left_joint" pos="0 0 0" range="-150 0" type="hinge"/>
        <geom friction="0.9" fromto="0 0 0 0 0 -0.45" name="thigh_left_geom" rgba=".7 .3 .6 1" size="0.05" type="capsule"/>
        <body name="leg_left" pos="0 0 -0.45">
          <joint axis="0 -1 0" name="leg_left_joint" pos="0 0 0" range="-150 0" type="hinge"/>
          <geom friction="0.9" fromto="0 0 0 0 0 -0.5" name="leg_left_geom" rgba=".7 .3 .6 1" size="0.04" type="capsule"/>
          <body name="foot_left" pos="0 0 -0.5">
            <joint axis="0 -1 0" name="foot_left_joint" pos="0 0 0" range="-45 45" type="hinge"/>
            <geom friction="1.9" fromto="0 0 0 0.2 0 0" name="foot_left_geom" rgba=".7 .3 .6 1" size="0.06" type="capsule"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="100" joint="thigh_joint"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="100" joint="leg_joint"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="100" joint="foot_joint"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="100" joint="thigh_left_joint"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="100" joint="leg_left_joint"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" gear="100" joint="foot_left_joint"/>
  </actuator>
</mujoco>
`;

/** A model for native MuJoCo 2.2.2 (the golden harness): without the MuJoCo 3 elements above. */
export function nativeXml(xml: string): string {
  return xml.replace(/\s*<size memory="[^"]*"\s*\/>/, '').replace(/\s*<flag island="disable"\s*\/>/, '');
}
