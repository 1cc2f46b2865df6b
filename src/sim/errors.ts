import { defineErrors } from '../shared/errors.js';

/** Error catalogue of the simulator context. Codes are stable; never rename one. */
export const SimErrors = defineErrors('sim', {
  invalid_plant: { kind: 'invalid', title: 'The plant description is not valid' },
  invalid_option: { kind: 'invalid', title: 'A simulator option is missing or not valid' },
  unknown_device: { kind: 'not_found', title: 'No simulated device has this id' },
  provisioning_failed: { kind: 'unavailable', title: 'Device provisioning did not assign the device' },
  connection_failed: { kind: 'unavailable', title: 'The simulator could not connect to the broker' },
  request_timeout: { kind: 'unavailable', title: 'A request to the hub got no response in time' },
});
