/* The types of the compiled libraries' C ABI (DLTensor, mcc_tensor_info, mcc_optimizer_config).
 * MHost calls the functions through dlsym, never by linking, so only the types are used. */
#include "../../include/mcc.h"
