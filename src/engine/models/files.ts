export { modelDisplayName } from '../../protocol/names';
