export { Admission, type AdmissionOptions, type AdmissionResult, type ThrottleSpec } from './admission.js';
