export { InputError } from '../services/input-error.js';
