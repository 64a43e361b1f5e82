// Node-RED loads this file (CommonJS) from nodesDir; the nodes themselves are connectors/node-red/nodes.ts,
// which the embedding (engine/automation) hands over in the runtime settings with the engine's ports.
module.exports = function (RED) {
  RED.settings.tesseraPalette(RED);
};
